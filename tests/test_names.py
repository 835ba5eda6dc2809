import pytest

from scaffold.errors import InvalidNameError
from scaffold.names import ModelNames, camel_from_snake


@pytest.mark.parametrize(
    "name, expected",
    [
        ("my-captioner", ("my-captioner", "my_captioner", "my-captioner", "MyCaptioner", "MY_CAPTIONER")),
        ("my_llama", ("my_llama", "my_llama", "my-llama", "MyLlama", "MY_LLAMA")),
        ("gpt9", ("gpt9", "gpt9", "gpt9", "Gpt9", "GPT9")),
    ],
)
def test_spellings(name, expected):
    n = ModelNames.from_name(name)
    assert (n.model_type, n.snake, n.kebab, n.camel, n.upper) == expected


def test_class_prefix_override():
    assert ModelNames.from_name("my-llama", "MyLLaMA").camel == "MyLLaMA"


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("class", "keyword"),
        ("match", "keyword"),
        ("1llama", "digit"),
        ("a/b", "path"),
        ("..", "path"),
        ("../evil", "path"),
        ("My-Llama", "lower-case"),
        ("a--b", "lower-case"),
        ("", "empty"),
        ("json", "shadow"),
        ("torch", "shadow"),
    ],
)
def test_invalid_names(bad, fragment):
    with pytest.raises(InvalidNameError, match=fragment):
        ModelNames.from_name(bad)


@pytest.mark.parametrize("bad", ["myLlama", "My Llama", "class", "1X"])
def test_invalid_class_prefix(bad):
    with pytest.raises(InvalidNameError, match="class prefix"):
        ModelNames.from_name("my-llama", bad)


def test_camel_from_snake():
    assert camel_from_snake("vision_encoder_decoder") == "VisionEncoderDecoder"
