// The intake form's checks (tickets/views/intake.py: check_intake). "核对" asks the server,
// which runs registration's own checks, and shows every refusal beside its field at once —
// before any read-back; when nothing is refused, the read-back comes in place, the files still
// chosen. A few things are told at once, without asking: the description's length (a counter)
// and a received time in the future.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const summary = document.getElementById("intake-error");
  const slot = document.getElementById("readback-slot");
  const reviewBar = document.getElementById("review-bar");
  /** Clock skew between devices tolerated by the server (register.RECEIVED_AT_SKEW). */
  const SKEW_MS = 5 * 60 * 1000;

  function errorSlot(field) {
    return form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  }

  function inputOf(box) {
    const field = box.dataset.errorFor;
    return form.querySelector(box.dataset.input || `[name="${CSS.escape(field)}"]`);
  }

  function setError(field, messages) {
    const box = errorSlot(field);
    if (!box) return false;
    box.textContent = messages.join(" ");
    box.classList.toggle("d-block", messages.length > 0);
    const input = inputOf(box);
    if (input && input.type !== "radio") input.classList.toggle("is-invalid", messages.length > 0);
    return true;
  }

  function clearAll() {
    form.querySelectorAll("[data-error-for]").forEach((box) => setError(box.dataset.errorFor, []));
    form.querySelectorAll("[data-warning-for]").forEach((box) => { box.textContent = ""; box.hidden = true; });
    summary.hidden = true;
  }

  /** Every refusal beside its field; those without a field of their own in the summary. */
  function showErrors(errors) {
    const byField = new Map();
    errors.forEach(({field, message}) => {
      byField.set(field, [...(byField.get(field) || []), message]);
    });
    const list = document.getElementById("intake-error-list");
    list.replaceChildren();
    byField.forEach((messages, field) => {
      if (setError(field, messages)) return;
      messages.forEach((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        item.dataset.field = field;
        list.append(item);
      });
    });
    document.getElementById("intake-error-summary").textContent =
      summary.dataset.summary.replace("__N__", String(errors.length));
    summary.hidden = errors.length === 0;
    const first = form.querySelector(".is-invalid");
    if (first) first.focus();
  }

  function showWarnings(warnings) {
    warnings.forEach(({field, message}) => {
      const box = form.querySelector(`[data-warning-for="${CSS.escape(field)}"]`);
      if (box) { box.textContent = message; box.hidden = false; }
    });
  }

  function dropReadback() {
    slot.replaceChildren();
    reviewBar.hidden = false;
  }

  async function check() {
    const button = document.getElementById("review");
    button.disabled = true;
    try {
      const body = new FormData(form);
      body.delete("confirmed");
      const answer = await fetch(form.dataset.checkUrl, {
        method: "POST",
        body,
        headers: {"Accept": "application/json"},
        credentials: "same-origin",
      });
      const result = await answer.json();
      clearAll();
      showWarnings(result.warnings || []);
      if (result.errors && result.errors.length) {
        dropReadback();
        showErrors(result.errors);
        return;
      }
      slot.innerHTML = result.readback;  // rendered by the server from its own template
      htmx.process(slot);
      reviewBar.hidden = true;
      document.getElementById("confirm-register").focus();
    } catch (failure) {
      // The server could not be asked (offline, a timeout): post the form as without script.
      form.submit();
    } finally {
      button.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    const by = event.submitter;
    const readback = document.getElementById("readback");
    if (by && by.name === "confirmed" && by.value === "1") return;  // confirm: a real POST
    event.preventDefault();
    if (by && by.name === "confirmed") { dropReadback(); return; }  // 返回修改
    if (!by && readback) {  // Ctrl+Enter on the read-back confirms
      form.requestSubmit(document.getElementById("confirm-register"));
      return;
    }
    check();
  });

  // What is typed after the read-back makes it stale: check again before confirming.
  const stale = (event) => {
    if (event.target.closest("#readback") || !document.getElementById("readback")) return;
    if (event.target.id === "f-category-filter") return;
    dropReadback();
  };
  form.addEventListener("input", stale);
  form.addEventListener("change", stale);

  // A field being corrected loses its error (the next 核对 checks it again). In the capture
  // phase: the field's own instant checks below run after, and may say it again.
  const corrected = (event) => {
    const field = event.target;
    if (!field.name && !field.id) return;
    form.querySelectorAll("[data-error-for]").forEach((box) => {
      if (box.dataset.errorFor === field.name || (field.id && box.dataset.input === `#${field.id}`)) {
        setError(box.dataset.errorFor, []);
      }
    });
  };
  form.addEventListener("input", corrected, true);
  form.addEventListener("change", corrected, true);

  // The description's length, as it is typed; past the limit the counter says so in red.
  const description = document.getElementById("f-description");
  const counter = document.getElementById("description-counter");
  const count = document.getElementById("description-count");
  const max = Number(description.dataset.max);
  function recount() {
    const length = Array.from(description.value.trim()).length;  // characters, as the server counts
    count.textContent = String(length);
    const over = length > max;
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-semibold", over);
    if (over) setError("description", [counter.dataset.overMessage]);
  }
  description.addEventListener("input", recount);
  recount();

  // A received time in the future is refused by the server; say so as soon as it is picked.
  const received = document.getElementById("f-received");
  received.addEventListener("change", () => {
    const at = received.value ? new Date(received.value) : null;
    const future = at !== null && at.getTime() > Date.now() + SKEW_MS;
    setError("received_at", future ? [received.dataset.futureMessage] : []);
  });
})();
