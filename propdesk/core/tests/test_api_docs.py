"""The OpenAPI document lists each operation's error answers (core.api_docs): schemathesis's
status code check found 404 and 422 answered by operations that documented only 200."""

from __future__ import annotations

from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401


def test_every_operation_documents_its_refusals(world):
    document = ApiClient(world.agent).get("/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            listed = set(operation["responses"])
            expected = {"400", "403", "404", "422"}
            expected |= {"401"} if operation.get("security") else set()
            expected |= {"409"} if method != "get" else set()
            assert expected <= listed, (method, path, sorted(expected - listed))


def test_a_422_answers_the_documented_shape(world):
    client = ApiClient(world.agent)
    document = client.get("/openapi.json").json()
    shape = document["components"]["schemas"]["ValidationErrorOut"]

    body = client.get("/tickets", {"page": "two"}).json()

    assert set(shape["required"]) <= set(body)
    assert body["errors"] == [{"field": "page", "message": "应为整数"}]
    get_tickets = document["paths"]["/api/v1/tickets"]["get"]["responses"]
    assert get_tickets["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ValidationErrorOut"
    )
