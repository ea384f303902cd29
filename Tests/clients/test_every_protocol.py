"""One OpenAI-SDK script that changes only `model` and gets answers, streams, tool calls and
usage from every protocol's simulator behind the gateway (openai, anthropic, gemini, bedrock).
The model names are those PythonClientTests configures."""

import json
import os

import openai
import pytest

BASE_URL = os.environ["SWITCHYARD_BASE_URL"]
API_KEY = os.environ["SWITCHYARD_API_KEY"]
MODELS = ["gpt-4o-mini", "claude-model", "gemini-model", "bedrock-model"]
TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}]


@pytest.fixture()
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=API_KEY, max_retries=0)


@pytest.mark.parametrize("model", MODELS)
def test_answer(client, model):
    completion = client.chat.completions.create(
        model=model, messages=[{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hello"}], max_tokens=16
    )
    assert completion.choices[0].message.content
    assert completion.choices[0].finish_reason in ("stop", "length")
    assert completion.usage.completion_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_stream_with_usage(client, model):
    text, usage = "", None
    for chunk in client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Stream"}], max_tokens=16,
        stream=True, stream_options={"include_usage": True},
    ):
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
    assert text
    assert usage is not None and usage.completion_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_tool_call_round_trip(client, model):
    first = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=TOOLS, max_tokens=32
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather"
    json.loads(call.function.arguments or "{}")
    second = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
            {"role": "tool", "tool_call_id": call.id, "content": '{"temp_c": 21}'},
        ],
        tools=TOOLS,
        max_tokens=32,
    )
    assert second.choices[0].message.content
