"""The SQL that fills the console benchmark's database (benchmarks/console_data.py)."""

TICKET_ROWS = """
CREATE TEMP TABLE bench_t AS
WITH s AS (
  SELECT g, 1 + floor(random() * %(projects)s)::int AS p,
    random() AS r_status, random() AS r_kind, random() AS r_channel, random() AS r_grade,
    random() AS r_class, random() AS r_esc, random() AS r_age, random() AS r_due,
    random() AS r_bucket, random() AS r_room, random() AS r_room_k, random() AS r_who,
    random() AS r_cat, random() AS r_text, random() AS r_misc, random() AS r_cb
  FROM generate_series(1, %(tickets)s) g
), a AS (
  SELECT s.*,
    CASE WHEN r_status < 0.82 THEN 'closed' WHEN r_status < 0.84 THEN 'cancelled'
      WHEN r_status < 0.85 THEN 'merged' WHEN r_status < 0.87 THEN 'registered'
      WHEN r_status < 0.89 THEN 'accepted' WHEN r_status < 0.925 THEN 'dispatched'
      WHEN r_status < 0.965 THEN 'in_progress' WHEN r_status < 0.975 THEN 'suspended'
      ELSE 'resolved' END AS status,
    CASE WHEN r_kind < 0.30 THEN 'complaint' WHEN r_kind < 0.70 THEN 'repair'
      WHEN r_kind < 0.82 THEN 'consultation' WHEN r_kind < 0.87 THEN 'help'
      WHEN r_kind < 0.95 THEN 'suggestion' ELSE 'praise' END AS kind,
    CASE WHEN r_channel < 0.55 THEN 'phone' WHEN r_channel < 0.75 THEN 'wechat'
      WHEN r_channel < 0.87 THEN 'visit' WHEN r_channel < 0.91 THEN 'web'
      WHEN r_channel < 0.95 THEN 'patrol' WHEN r_channel < 0.97 THEN 'callback'
      WHEN r_channel < 0.98 THEN 'letter' WHEN r_channel < 0.99 THEN 'email'
      WHEN r_channel < 0.997 THEN 'government' ELSE 'media' END AS channel,
    CASE WHEN r_grade < 0.85 THEN '4' WHEN r_grade < 0.96 THEN '3'
      WHEN r_grade < 0.995 THEN '2' ELSE '1' END AS grade_level,
    CASE WHEN r_class < 0.90 THEN 'general' WHEN r_class < 0.97 THEN 'important'
      WHEN r_class < 0.995 THEN 'hot' ELSE 'major' END AS grade_class,
    CASE WHEN r_bucket < 0.62 THEN 0 WHEN r_bucket < 0.77 THEN 1
      WHEN r_bucket < 0.85 THEN 2 ELSE 3 END AS bucket,
    CASE WHEN r_room < 0.8 THEN 1 + floor(r_room_k * %(rooms)s)::int END AS room_k
  FROM s
), b AS (
  SELECT a.*,
    status IN ('closed', 'cancelled', 'merged') AS terminal,
    CASE WHEN status = 'resolved' THEN interval '3 days' ELSE interval '7 days' END AS span
  FROM a
), c AS (
  SELECT b.*,
    CASE WHEN terminal THEN
        CASE WHEN r_esc < 0.02 THEN 1 WHEN r_esc < 0.03 THEN 2 ELSE 0 END
      ELSE CASE WHEN r_esc < 0.08 THEN 1 WHEN r_esc < 0.11 THEN 2 WHEN r_esc < 0.12 THEN 3
        ELSE 0 END END AS escalation_level,
    CASE bucket
      WHEN 0 THEN %(now)s + span * (0.21 + r_due * 0.78)
      WHEN 1 THEN %(now)s + interval '1 minute' + span * r_due * 0.19
      WHEN 2 THEN %(now)s - interval '1 minute' - r_due * interval '1 day'
      ELSE %(now)s - interval '1 day' - r_due * interval '30 days' END AS open_due
  FROM b
), d AS (
  SELECT c.*,
    CASE WHEN terminal THEN %(now)s - interval '1 day' - r_age * interval '364 days'
      WHEN status = 'resolved' THEN open_due - span - (0.5 + r_age * 4) * interval '1 day'
      WHEN status = 'suspended' THEN %(now)s - interval '2 days' - r_age * interval '28 days'
      ELSE open_due - span - interval '2 minutes' END AS received_at
  FROM c
), e AS (
  SELECT d.*,
    received_at + interval '2 minutes' AS registered_at,
    CASE WHEN status NOT IN ('registered', 'cancelled')
      THEN received_at + interval '10 minutes' END AS accepted_at,
    (status IN ('dispatched', 'in_progress', 'suspended')
      OR (status IN ('resolved', 'closed') AND kind IN ('repair', 'complaint')
          AND r_misc < 0.8)) AS has_wo,
    CASE WHEN status = 'closed' THEN LEAST(
        received_at + (0.1 + r_due * r_due * 10) * interval '1 day',
        %(now)s - interval '2 hours')
      WHEN status = 'resolved' THEN open_due - span END AS resolved_at,
    CASE WHEN status = 'cancelled'
      THEN LEAST(received_at + r_due * interval '1 day', %(now)s - interval '1 minute')
      END AS cancelled_at
  FROM d
), f AS (
  SELECT e.*,
    CASE WHEN has_wo THEN received_at + interval '30 minutes' END AS first_dispatched_at,
    CASE WHEN status = 'closed' THEN LEAST(
        resolved_at + (0.5 + r_misc * 2) * interval '1 day', %(now)s - interval '1 minute')
      END AS closed_at
  FROM e
), h AS (
  SELECT f.*,
    CASE WHEN status = 'closed' AND r_cb < 0.8
      THEN GREATEST(resolved_at, closed_at - interval '30 minutes') END AS callback_at
  FROM f
)
SELECT h.*, pr.project_id, pr.code,
  pr.code || '-' || to_char(received_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
    || lpad(row_number() OVER (
         PARTITION BY h.p, (received_at AT TIME ZONE 'Asia/Shanghai')::date
         ORDER BY received_at, g)::text, 4, '0') AS number
FROM h JOIN bench_proj pr ON pr.p = h.p
"""

INSERT_TICKETS = """
INSERT INTO tickets_ticket (number, company_id, project_id, client_ref, kind, channel,
  category_id, nature, repair_scope, is_paid_repair, help_type, is_emergency, grade_level,
  grade_class, grade_reason, grade_class_reason, complainant_count, claimed_amount,
  media_exposure, litigation, government_referral, major_accident, serious_public_harm,
  demands_return_or_compensation, false_sales_information, needs_outside_support, is_repeat,
  repeat_of_id, escalation_level, status, status_before_suspend, reporter_type, resident_id,
  contact_name, contact_phone, room_id, building_id, place, description, expectation,
  agreed_reply_at, received_at, registered_at, registered_by_id, accepted_at,
  first_dispatched_at, resolved_at, callback_at, closed_at, cancelled_at, resolution,
  reopen_count, merged_into_id, closure_reason, closure_note, cancel_reason, has_case_value,
  on_site_finished_at, needs_plan, plan, plan_submitted_at, plan_submitted_by_id, updated_at)
SELECT t.number, %(company)s, t.project_id, '', t.kind, t.channel,
  cat.category_id,
  CASE WHEN t.kind = 'complaint' AND t.status = 'closed' THEN 'effective' ELSE 'pending' END,
  CASE WHEN t.kind <> 'repair' THEN '' WHEN t.room_k IS NULL THEN 'common_area'
    ELSE 'in_home' END,
  t.kind = 'repair' AND t.r_misc < 0.1,
  CASE WHEN t.kind = 'help' THEN 'other' ELSE '' END,
  t.kind = 'help' AND t.r_misc < 0.2,
  t.grade_level, t.grade_class, '', '', 1, NULL, 'none', 'none', t.channel = 'government',
  false, false, false, false, false, false, NULL,
  t.escalation_level, t.status,
  CASE WHEN t.status = 'suspended' THEN 'in_progress' ELSE '' END,
  CASE WHEN r.room_id IS NOT NULL THEN 'resident' WHEN t.r_who < 0.3 THEN 'anonymous'
    ELSE 'contact' END,
  r.resident_id,
  CASE WHEN t.room_k IS NULL AND t.r_who < 0.3 THEN ''
    ELSE (ARRAY['张伟','王芳','李娜','刘洋','陈静','杨磊','赵敏','黄婷','周杰','吴霞'])[
      1 + floor(t.r_text * 10)::int] END,
  CASE WHEN t.room_k IS NULL AND t.r_who < 0.3 THEN ''
    ELSE '138' || lpad((floor(t.r_cb * 100000000))::bigint::text, 8, '0') END,
  r.room_id, r.building_id,
  coalesce(r.label, (ARRAY['小区东门','地下车库B1','中心花园','会所','北门岗亭','1栋大堂',
    '垃圾站'])[1 + floor(t.r_misc * 7)::int]),
  cat.phrases[1 + floor(t.r_text * array_length(cat.phrases, 1))::int] || '。'
    || (ARRAY['请尽快安排处理。','已多次反映,希望尽快解决。','请回电告知处理进度。',''])[
      1 + floor(t.r_age * 4)::int],
  CASE WHEN t.kind IN ('complaint', 'repair') THEN '尽快处理' ELSE '' END,
  NULL, t.received_at, t.registered_at,
  CASE WHEN t.r_who < 0.85 THEN pr.agent_id ELSE pr.sup_id END,
  t.accepted_at, t.first_dispatched_at, t.resolved_at, t.callback_at, t.closed_at,
  t.cancelled_at,
  CASE WHEN t.resolved_at IS NOT NULL THEN '已处理完毕,住户确认' ELSE '' END,
  0, NULL,
  CASE WHEN t.status <> 'closed' THEN '' WHEN t.callback_at IS NOT NULL THEN 'satisfied'
    ELSE 'no_contact' END,
  '', CASE WHEN t.status = 'cancelled' THEN '住户撤回' ELSE '' END, false,
  NULL, false, '', NULL, NULL,
  coalesce(t.closed_at, t.cancelled_at, t.resolved_at, t.first_dispatched_at, t.accepted_at,
    t.registered_at)
FROM bench_t t
JOIN bench_proj pr ON pr.p = t.p
JOIN bench_cat cat ON t.r_cat >= cat.lo AND t.r_cat < cat.hi
LEFT JOIN bench_room r ON r.p = t.p AND r.k = t.room_k
ORDER BY t.received_at, t.g
"""

INSERT_WORK_ORDERS = """
INSERT INTO tickets_workorder (ticket_id, sequence, department_id, assignee_id, status,
  instructions, deadline, appointment_at, dispatched_by_id, dispatched_at, started_at,
  completed_at, result, return_reason, fee_total, fee_agreed_at, fee_agreement_note)
SELECT m.ticket_id, 1, pr.eng_id, pr.handler_id,
  CASE WHEN m.status = 'dispatched' THEN 'dispatched'
    WHEN m.status IN ('in_progress', 'suspended') THEN 'in_progress' ELSE 'done' END,
  '请尽快上门处理',
  CASE WHEN m.status IN ('dispatched', 'in_progress', 'suspended')
    THEN m.open_due - interval '12 hours' ELSE m.registered_at + interval '5 days' END,
  NULL, pr.sup_id, m.first_dispatched_at,
  CASE WHEN m.status <> 'dispatched' THEN m.first_dispatched_at + interval '1 hour' END,
  CASE WHEN m.status IN ('resolved', 'closed') THEN GREATEST(
    m.first_dispatched_at + interval '1 hour', m.resolved_at - interval '10 minutes') END,
  CASE WHEN m.status IN ('resolved', 'closed') THEN '已修复' ELSE '' END,
  '', 0, NULL, ''
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
WHERE m.has_wo
"""

#: (kind, unit, amount, state, started_at, due_at, met_at, paused_at, remaining, work order)
CLOCK_SELECTS = [
    # first reply: met within two hours, except on tickets nobody has accepted yet
    """SELECT m.ticket_id, NULL::bigint, 'first_reply', 'hours', 24, 'met', m.registered_at,
         m.registered_at + interval '24 hours',
         m.registered_at + (5 + m.r_misc * 115) * interval '1 minute',
         NULL::timestamptz, NULL::int
       FROM bench_map m WHERE m.status <> 'registered'""",
    # handling: running (or breached, or paused) while open; met or late when resolved
    """SELECT m.ticket_id, NULL::bigint, 'handle', 'working_days', 5,
         CASE WHEN m.status IN ('registered', 'accepted', 'dispatched', 'in_progress')
             THEN CASE WHEN m.bucket = 3 THEN 'breached' ELSE 'running' END
           WHEN m.status = 'suspended' THEN 'paused'
           WHEN m.status = 'resolved' THEN 'met'
           WHEN m.status = 'closed' THEN CASE
             WHEN m.resolved_at <= m.registered_at + interval '7 days' THEN 'met'
             ELSE 'breached' END
           ELSE 'cancelled' END,
         m.registered_at,
         CASE WHEN m.status IN ('registered', 'accepted', 'dispatched', 'in_progress')
           THEN m.open_due ELSE m.registered_at + interval '7 days' END,
         m.resolved_at,
         CASE WHEN m.status = 'suspended' THEN m.received_at + interval '1 day' END,
         CASE WHEN m.status = 'suspended' THEN 600 + floor(m.r_due * 1800)::int END
       FROM bench_map m""",
    # callback: running after resolution; met when the callback was made
    """SELECT m.ticket_id, NULL::bigint, 'callback', 'working_days', 2,
         CASE WHEN m.status = 'resolved' THEN
             CASE WHEN m.bucket = 3 THEN 'breached' ELSE 'running' END
           WHEN m.callback_at <= m.resolved_at + interval '3 days' THEN 'met'
           ELSE 'breached' END,
         m.resolved_at,
         CASE WHEN m.status = 'resolved' THEN m.open_due
           ELSE m.resolved_at + interval '3 days' END,
         m.callback_at, NULL::timestamptz, NULL::int
       FROM bench_map m WHERE m.status = 'resolved' OR m.callback_at IS NOT NULL""",
    # each work order's own deadline
    """SELECT w.ticket_id, w.id, 'work_order', 'hours', 96,
         CASE WHEN w.status = 'done' THEN
             CASE WHEN w.completed_at <= w.deadline THEN 'met' ELSE 'breached' END
           WHEN m.status = 'suspended' THEN 'paused'
           WHEN w.deadline <= %(now)s - interval '1 day' THEN 'breached'
           ELSE 'running' END,
         w.dispatched_at, w.deadline, w.completed_at,
         CASE WHEN m.status = 'suspended' THEN m.received_at + interval '1 day' END,
         CASE WHEN m.status = 'suspended' THEN 600 END
       FROM tickets_workorder w JOIN bench_map m ON m.ticket_id = w.ticket_id""",
]

INSERT_CLOCKS = """
INSERT INTO sla_slaclock (ticket_id, work_order_id, kind, policy_id, unit, amount,
  warning_percent, state, started_at, warn_at, due_at, met_at, warned_at, breached_at,
  paused_at, remaining_minutes, span_minutes, calendar_warnings, timer_version, warn_task_id,
  due_task_id, escalations)
SELECT k.ticket_id, k.work_order_id, k.kind, NULL, k.unit, k.amount, 80,
  CASE WHEN k.state = 'met' AND k.met_at > k.due_at THEN 'breached' ELSE k.state END,
  k.started_at, k.started_at + (k.due_at - k.started_at) * 0.8, k.due_at, k.met_at,
  CASE WHEN k.state <> 'cancelled'
       AND k.started_at + (k.due_at - k.started_at) * 0.8 <= coalesce(k.met_at, %(now)s)
    THEN k.started_at + (k.due_at - k.started_at) * 0.8 END,
  CASE WHEN k.state = 'breached' OR (k.state = 'met' AND k.met_at > k.due_at)
    THEN k.due_at END,
  k.paused_at, k.remaining,
  greatest(0, floor(extract(epoch FROM k.due_at - k.started_at) / 60))::int,
  '[]'::jsonb, 1, NULL, NULL,
  CASE WHEN k.state = 'breached' AND k.met_at IS NULL THEN 1 ELSE 0 END
FROM ({select}) AS k(ticket_id, work_order_id, kind, unit, amount, state, started_at, due_at,
  met_at, paused_at, remaining)
"""

INSERT_EVENTS = """
INSERT INTO tickets_ticketevent (ticket_id, kind, actor_id, at, from_status, to_status,
  work_order_id, note, data)
SELECT m.ticket_id, e.kind, e.actor, e.at, e.from_status, e.to_status, NULL, '', '{}'::jsonb
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
CROSS JOIN LATERAL (VALUES
  ('registered', pr.agent_id, m.registered_at, '', 'registered'),
  ('accepted', pr.agent_id, m.accepted_at, 'registered', 'accepted'),
  ('dispatched', pr.sup_id, m.first_dispatched_at, 'accepted', 'dispatched'),
  ('resolved', pr.handler_id, m.resolved_at, 'in_progress', 'resolved'),
  ('callback_recorded', pr.agent_id, m.callback_at, 'resolved', 'callback_done'),
  ('closed', pr.sup_id, m.closed_at, 'callback_done', 'closed'),
  ('cancelled', pr.sup_id, m.cancelled_at, 'registered', 'cancelled')
) AS e(kind, actor, at, from_status, to_status)
WHERE e.at IS NOT NULL
"""

INSERT_CALLBACKS = """
INSERT INTO callbacks_callback (ticket_id, method, satisfaction, comment,
  resident_confirmation, called_by_id, called_at)
SELECT m.ticket_id, 'phone',
  CASE WHEN m.r_text < 0.35 THEN 'very_satisfied' WHEN m.r_text < 0.75 THEN 'satisfied'
    WHEN m.r_text < 0.90 THEN 'basically_satisfied' WHEN m.r_text < 0.97 THEN 'dissatisfied'
    ELSE 'very_dissatisfied' END,
  '', '', pr.agent_id, m.callback_at
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
WHERE m.callback_at IS NOT NULL
"""
