"""The official `openai` Python SDK, unchanged but for base_url/api_key, through the gateway.

Run by the Swift integration test `PythonClientTests`, which starts a gateway in front of
simulated providers and passes its address in SWITCHYARD_BASE_URL / SWITCHYARD_API_KEY.
Model names used here are the ones that test's config declares.
"""

import os

import openai
import pytest

BASE_URL = os.environ["SWITCHYARD_BASE_URL"]
API_KEY = os.environ["SWITCHYARD_API_KEY"]


@pytest.fixture()
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=API_KEY, max_retries=0)


def test_non_stream_chat(client):
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Say hello"}],
        max_tokens=8,
    )
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.role == "assistant"
    assert "sim-a" in completion.choices[0].message.content
    assert completion.choices[0].finish_reason in ("stop", "length")
    assert completion.usage.prompt_tokens > 0
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens


def test_stream_with_include_usage(client):
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Stream please"}],
        stream=True,
        stream_options={"include_usage": True},
        max_tokens=12,
    )
    text = ""
    content_chunks = 0
    usage = None
    finish = None
    for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        if chunk.usage is not None:
            usage = chunk.usage
            assert chunk.choices == []
        for choice in chunk.choices:
            if choice.delta.content:
                text += choice.delta.content
                content_chunks += 1
            if choice.finish_reason:
                finish = choice.finish_reason
    assert "sim-a" in text
    assert content_chunks > 1, "the answer should arrive in several chunks"
    assert finish in ("stop", "length")
    assert usage is not None and usage.completion_tokens > 0


def test_stream_without_include_usage_has_no_usage_chunk(client):
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Stream please"}],
        stream=True,
        max_tokens=6,
    )
    chunks = list(stream)
    assert chunks, "expected chunks"
    assert all(chunk.usage is None for chunk in chunks)
    assert all(chunk.choices for chunk in chunks)


def test_raw_response_headers_and_failover(client):
    raw = client.chat.completions.with_raw_response.create(
        model="failover-route",
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=4,
    )
    completion = raw.parse()
    assert "sim-a" in completion.choices[0].message.content
    assert raw.headers["x-switchyard-provider"] == "sim-a"
    assert raw.headers["x-switchyard-route"] == "failover-route"
    assert raw.headers["x-switchyard-attempts"] == "2"
    assert raw.headers["x-request-id"]
    assert float(raw.headers["x-switchyard-overhead-ms"]) >= 0


def test_embeddings(client):
    result = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert len(result.data) == 2
    assert len(result.data[0].embedding) > 0


def test_models_list(client):
    ids = {model.id for model in client.models.list()}
    assert {"gpt-4o-mini", "failover-route", "text-embedding-3-small"} <= ids


def test_wrong_key_is_authentication_error():
    bad = openai.OpenAI(base_url=BASE_URL, api_key="wrong-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        bad.models.list()
    assert caught.value.status_code == 401


def test_unknown_model_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert caught.value.body["code"] == "model_not_found"


def test_malformed_request_is_bad_request(client):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o-mini", messages="not a list")
