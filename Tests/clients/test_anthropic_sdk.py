"""The official `anthropic` Python SDK against the gateway's /v1/messages, routed to an
OpenAI-protocol simulator (model `gpt-4o-mini` in PythonClientTests' config)."""

import os

import anthropic
import pytest

BASE_URL = os.environ["SWITCHYARD_BASE_URL"].removesuffix("/v1")
API_KEY = os.environ["SWITCHYARD_API_KEY"]


@pytest.fixture()
def client():
    return anthropic.Anthropic(base_url=BASE_URL, api_key=API_KEY, max_retries=0)


def test_message(client):
    message = client.messages.create(
        model="gpt-4o-mini", max_tokens=32, system="Be terse.", messages=[{"role": "user", "content": "Hello"}]
    )
    assert message.type == "message"
    assert message.role == "assistant"
    assert "sim-a" in message.content[0].text
    assert message.stop_reason in ("end_turn", "max_tokens")
    assert message.usage.output_tokens > 0


def test_stream(client):
    with client.messages.stream(
        model="gpt-4o-mini", max_tokens=32, messages=[{"role": "user", "content": "Stream"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert "sim-a" in text
    assert final.usage.output_tokens > 0


def test_tool_use(client):
    message = client.messages.create(
        model="gpt-4o-mini",
        max_tokens=64,
        tools=[{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    )
    assert message.stop_reason == "tool_use"
    block = next(b for b in message.content if b.type == "tool_use")
    assert block.name == "get_weather"
    assert isinstance(block.input, dict)


def test_wrong_key():
    bad = anthropic.Anthropic(base_url=BASE_URL, api_key="wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="gpt-4o-mini", max_tokens=8, messages=[{"role": "user", "content": "x"}])
