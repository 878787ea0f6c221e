"""The category model: keyword rules before there is history, a versioned model trained on the
company's closed requests with its held-out accuracy recorded, and the model's arrays applied
exactly as scikit-learn would."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from propdesk.org.models import Company
from propdesk.search.segment import words
from propdesk.suggest import classifier, training
from propdesk.suggest.models import CategoryModel, Source
from propdesk.suggest.services import category_tree, classify, suggest
from propdesk.suggest.tests.history import closed_tickets

FEW = ["FAC-ELEV", "FAC-LIGHT", "SEC-PARK", "DISP-PET", "FEE-MGMT", "ENV-CLEAN"]


def _history(world, now, n, **kw):
    return closed_tickets(
        company=world.company, project=world.project, registered_by=world.agent, n=n,
        start=now - timedelta(days=200), **kw,
    )  # fmt: skip


def test_without_history_the_keyword_rules_of_the_category_tree_answer(world):
    found = suggest(world.agent, project=world.project, text="3栋电梯坏了,困在里面出不来")
    assert found.source == Source.RULES and found.model_version is None
    assert found.categories[0].code == "FAC-ELEV"
    assert found.categories[0].name == "设备设施 / 电梯"
    assert found.kind == "help"  # 困在里面 … 出不来: someone is trapped
    parking = suggest(world.agent, project=world.project, text="我的停车位又被别人占了")
    assert parking.categories[0].code == "SEC-PARK"
    assert [f.field for f in parking.facts] == ["is_repeat"]  # 又: asked whether a repeat


def test_a_category_added_by_an_administrator_is_matched_by_its_name(world):
    from propdesk.tickets.models import Category

    Category.objects.create(
        code="FAC-CHARGE", name="充电桩", parent=Category.objects.get(code="FAC")
    )
    found = suggest(world.agent, project=world.project, text="地库的充电桩用不了")
    assert found.categories[0].code == "FAC-CHARGE"


def test_text_the_rules_know_nothing_of_suggests_no_category(world):
    found = suggest(world.agent, project=world.project, text="你好你好")
    assert found.source == Source.RULES and found.categories == []


def test_too_little_history_keeps_the_rules_and_says_why(world, now, settings):
    settings.SUGGEST_MIN_TICKETS = 200
    _history(world, now, 199)
    done = training.train(world.company, now=now)
    assert done.model is None and "199" in done.reason
    assert not CategoryModel.objects.exists()
    found = suggest(world.agent, project=world.project, text="楼道灯不亮了")
    assert found.source == Source.RULES and found.categories[0].code == "FAC-LIGHT"


def test_one_category_alone_is_not_enough_to_train(world, now, settings):
    settings.SUGGEST_MIN_TICKETS = 20
    _history(world, now, 60, categories=["FAC-ELEV"])
    assert training.train(world.company, now=now).model is None


def test_training_on_closed_requests_gives_a_versioned_model_with_its_accuracy(
    world, now, settings
):
    settings.SUGGEST_MIN_TICKETS = 200
    _history(world, now, 600, categories=FEW)
    first = training.train(world.company, now=now).model
    assert first is not None and first.version == 1 and first.trained_at == now
    assert first.n_tickets + first.n_held_out == 600
    assert 100 <= first.n_held_out <= 140  # about 20%, of each category
    assert first.accuracy_top1 >= 0.8 and first.accuracy_top3 >= first.accuracy_top1
    assert sorted(first.categories) == sorted(FEW)
    second = training.train(world.company, now=now + timedelta(days=1)).model
    assert second is not None and second.version == 2
    # The latest version answers, now from the company's own wording.
    found = suggest(world.agent, project=world.project, text="电梯门关不上,一直开开合合")
    assert (found.source, found.model_version) == (Source.MODEL, 2)
    assert found.categories[0].code == "FAC-ELEV" and found.categories[0].confidence > 0.5
    assert len(found.categories) == 3
    # Words the model never saw: the rules answer rather than the model's prior.
    unknown = suggest(world.agent, project=world.project, text="门窗玻璃碎了")
    assert unknown.source == Source.RULES and unknown.categories[0].code == "HOUSE-DOOR"


def test_another_companys_history_trains_nothing_here(world, now, settings):
    settings.SUGGEST_MIN_TICKETS = 50
    other = Company.objects.create(code="XX", name="别家物业")
    _history(world, now, 200, categories=FEW)
    assert training.train(other, now=now).model is None
    assert training.train(world.company, now=now).model is not None


def test_the_stored_arrays_answer_as_scikit_learn_does():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["电梯坏了", "电梯困人", "楼道灯不亮", "灯坏了不亮", "车位被占", "停车位被占用",
             "电梯异响", "路灯不亮", "乱停车"]  # fmt: skip
    labels = ["E", "E", "L", "L", "P", "P", "E", "L", "P"]
    docs = [words(t) for t in texts]
    fitted = classifier.load(classifier.dump(classifier.fit(docs, labels, ["c"] * len(docs))))
    vectoriser = TfidfVectorizer(analyzer=classifier._as_is, sublinear_tf=True, min_df=2)
    x = vectoriser.fit_transform(docs)
    model = LogisticRegression(C=classifier.C, max_iter=300).fit(x, labels)
    probe = words("电梯停了灯也不亮")
    expected = dict(
        zip(model.classes_, model.predict_proba(vectoriser.transform([probe]))[0], strict=True)
    )
    got = dict(fitted.category.probabilities(fitted.features(probe)))
    assert got.keys() == expected.keys()
    for label, p in expected.items():
        assert got[label] == pytest.approx(p, abs=1e-5)
    assert fitted.kind.probabilities(fitted.features(probe)) == [("c", 1.0)]


def test_the_stored_model_holds_no_pickled_object():
    docs = [words(t) for t in ["电梯坏了", "电梯困人", "灯不亮", "灯坏了"]]
    blob = classifier.dump(classifier.fit(docs, ["E", "E", "L", "L"], ["a", "b", "a", "b"]))
    with np.load(__import__("io").BytesIO(blob), allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)


def test_the_train_command_trains_one_company_or_says_why_not(world, now, settings):
    settings.SUGGEST_MIN_TICKETS = 200
    out = StringIO()
    call_command("suggest", "train", "--company", "HY", stdout=out)
    assert "not trained" in out.getvalue() and "keyword rules" in out.getvalue()
    _history(world, now, 300, categories=FEW)
    out = StringIO()
    call_command("suggest", "train", stdout=out)
    assert "HY: v1 on" in out.getvalue() and "top-1" in out.getvalue()
    out = StringIO()
    call_command("suggest", "report", stdout=out)
    assert "HY: v1" in out.getvalue()


def test_classify_prefers_active_categories_only(world, now, settings):
    from propdesk.tickets.models import Category

    settings.SUGGEST_MIN_TICKETS = 100
    _history(world, now, 300, categories=FEW)
    training.train(world.company, now=now)
    Category.objects.filter(code="FAC-ELEV").update(is_active=False)
    nodes, _ = category_tree()
    source, _v, ranked, _k = classify(world.company.pk, "电梯坏了", words("电梯坏了"), nodes)
    assert source == Source.MODEL and "FAC-ELEV" not in [c for c, _p in ranked]


def test_the_nightly_training_is_booked_once_and_books_the_next(world, now, settings):
    from django_tasks_db.models import DBTaskResult

    from propdesk.suggest import tasks

    tasks.ensure_booked(now=now)
    tasks.ensure_booked(now=now)
    booked = DBTaskResult.objects.filter(task_path=tasks.retrain_category_models.module_path)
    assert booked.count() == 1
    assert tasks.next_run(now).hour == tasks.RUN_AT_HOUR and tasks.next_run(now) > now
    settings.SUGGEST_MIN_TICKETS = 100
    _history(world, now, 200, categories=FEW)
    assert tasks.retrain_category_models.call() == 1
    assert CategoryModel.objects.get().version == 1
