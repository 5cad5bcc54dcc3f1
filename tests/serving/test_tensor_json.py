"""TF Serving's REST predict JSON (`keras_like.serving.tensor_json`).

Oracles, never the module itself: the cases of tensorflow_serving/util/json_tensor_test.cc and
model_servers/http_rest_api_handler_test.cc, the message texts of json_tensor.cc /
http_rest_api_handler.cc, and byte layouts worked out by hand from rapidjson's PrettyWriter
rules (4-space indent; kFormatSingleLineArray inside each row-format example; an object breaks
lines even inside a single-line array) and WriteDecimal (%g when it round-trips in the tensor's
precision, else %.9g / %.17g, ".0" on whole numbers). See ../shared/FORMATS.md §4.
"""

import json
import math
import time

import numpy as np
import pytest

from keras_like.serving.tensor_json import (
    ServingError,
    error_body,
    format_predict_response,
    parse_predict_request,
)

F32_X = {"x": ("float32", (None, 2))}
INT = {"default": ("int32", None)}
FLOAT = {"default": ("float32", None)}
STR = {"default": ("string", None)}


def parse(body, inputs):
    if isinstance(body, str):
        body = body.encode()
    return parse_predict_request(body, inputs)


def error_of(body, inputs):
    with pytest.raises(ServingError) as info:
        parse(body, inputs)
    return info.value.http_status, info.value.message


def wrapped(index, message, key=None):
    """A row-format element error as FillTensorMapFromInstancesList wraps it."""
    where = f"{index} key: {key}" if key else f"{index}"
    return (f"Failed to process element: {where} of 'instances' list. "
            f"Error: INVALID_ARGUMENT: {message}")


# ------------------------------------------------------------------------ requests that parse


def test_row_single_input_float32():
    arrays, row = parse('{"instances": [[1.0, 2.0], [3.0, 4.0]]}', F32_X)
    assert row is True
    assert list(arrays) == ["x"]
    assert arrays["x"].dtype == np.float32
    np.testing.assert_array_equal(arrays["x"], [[1, 2], [3, 4]])


def test_row_int32_like_tf_single_unnamed_tensor():
    arrays, row = parse('{"instances": [[1,2],[3,4],[5,6]]}', INT)
    assert row is True
    assert arrays["default"].dtype == np.int32
    np.testing.assert_array_equal(arrays["default"], [[1, 2], [3, 4], [5, 6]])


@pytest.mark.parametrize("dtype, np_dtype, literals", [
    ("float32", np.float32, [1, 2.0, 3, 4, 5.003, 0.007, 0.0]),   # MixedInputForFloatTensor
    ("float64", np.float64, [1.0, 2, 3, 4, 0.662, 0, 0.0]),       # MixedInputForDoubleTensor
])
def test_mixed_ints_and_decimals(dtype, np_dtype, literals):
    body = '{"instances": [' + ", ".join(map(str, literals)) + "]}"
    arrays, _ = parse(body, {"default": (dtype, None)})
    assert arrays["default"].dtype == np_dtype
    np.testing.assert_array_equal(arrays["default"], np.array(literals, dtype=np_dtype))


def test_signature_name_is_passed_to_a_callable_signature():
    seen = []

    def signature(name):
        seen.append(name)
        return INT

    arrays, _ = parse('{"signature_name": "predict_images", "instances": [[1,2]]}', signature)
    assert seen == ["predict_images"]
    np.testing.assert_array_equal(arrays["default"], [[1, 2]])
    parse('{"instances": [[1,2]]}', signature)
    assert seen[-1] == ""


@pytest.mark.parametrize("instances, shape", [
    ('[ { "b64" : "aGVsbG8=" }, { "b64": "d29ybGQ=" } ]', (2,)),
    ('[ [{ "b64" : "aGVsbG8=" }], [{ "b64": "d29ybGQ=" }] ]', (2, 1)),
    ('[ { "default": [ [{ "b64" : "aGVsbG8=" }], [{ "b64": "d29ybGQ=" }] ] } ]', (1, 2, 1)),
])
def test_base64_strings_decode_to_bytes(instances, shape):
    arrays, _ = parse('{"instances": ' + instances + "}", STR)
    a = arrays["default"]
    assert a.dtype == object and a.shape == shape
    assert a.reshape(-1).tolist() == [b"hello", b"world"]


def test_multiple_named_tensors_row_format():
    inputs = {"int_tensor": ("int32", None), "str_tensor": ("string", None),
              "float_tensor": ("float32", None), "dbl_tensor": ("float64", None)}
    body = """{"instances": [
        {"int_tensor": [[1,2],[3,4],[5,6]], "str_tensor": ["foo", "bar"],
         "float_tensor": [1.0, NaN], "dbl_tensor": [NaN]},
        {"int_tensor": [[7,8],[9,0],[1,2]], "str_tensor": ["baz", "bat"],
         "float_tensor": [2.0, Infinity], "dbl_tensor": [2.0]}]}"""
    arrays, row = parse(body, inputs)
    assert row is True and list(arrays) == list(inputs)
    np.testing.assert_array_equal(arrays["int_tensor"],
                                  [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [1, 2]]])
    assert arrays["str_tensor"].tolist() == [[b"foo", b"bar"], [b"baz", b"bat"]]
    f = arrays["float_tensor"]
    assert f.dtype == np.float32 and f.shape == (2, 2)
    assert f[0, 0] == 1.0 and math.isnan(f[0, 1]) and f[1, 0] == 2.0 and f[1, 1] == math.inf
    d = arrays["dbl_tensor"]
    assert d.dtype == np.float64 and d.shape == (2, 1)
    assert math.isnan(d[0, 0]) and d[1, 0] == 2.0


@pytest.mark.parametrize("body", [
    '{"inputs": {"int_tensor": [[[1,2],[3,4],[5,6]]]}}',
    '{"inputs": [[[1,2],[3,4],[5,6]]]}',
])
def test_columnar_single_input_named_or_not(body):
    arrays, row = parse(body, {"int_tensor": ("int32", None)})
    assert row is False
    np.testing.assert_array_equal(arrays["int_tensor"], [[[1, 2], [3, 4], [5, 6]]])


def test_columnar_multiple_inputs_b64_scalar_and_extra_keys_ignored():
    inputs = {"int_tensor": ("int32", None), "str_tensor": ("string", None),
              "bin_tensor": ("string", None)}
    body = """{"inputs": {"int_tensor": [[[1,2],[3,4],[5,6]]], "str_tensor": ["foo", "bar"],
               "bin_tensor": { "b64" : "aGVsbG8=" }, "unused": 1}}"""
    arrays, row = parse(body, inputs)
    assert row is False
    assert arrays["int_tensor"].shape == (1, 3, 2)
    assert arrays["str_tensor"].tolist() == [b"foo", b"bar"]
    assert arrays["bin_tensor"].shape == () and arrays["bin_tensor"][()] == b"hello"


def test_bool_and_int64_inputs():
    arrays, _ = parse('{"inputs": {"b": [[true, false]], "i": [9223372036854775807, -1]}}',
                      {"b": ("bool", None), "i": ("int64", None)})
    assert arrays["b"].dtype == np.bool_ and arrays["b"].tolist() == [[True, False]]
    assert arrays["i"].dtype == np.int64 and arrays["i"].tolist() == [2**63 - 1, -1]


def test_float32_lossless_boundaries_are_accepted():
    # IsLosslessDecimal<float>: integers up to 2^24-1, decimals anywhere in float range.
    body = '{"instances": [16777215, -16777215, 3.4e38, 30000000.0, 1.5, NaN, -Infinity]}'
    a = parse(body, FLOAT)[0]["default"]
    np.testing.assert_array_equal(
        a[:5], np.array([16777215, -16777215, 3.4e38, 3e7, 1.5], dtype=np.float32))
    assert math.isnan(a[5]) and a[6] == -math.inf


def test_string_bytes_kept_exactly():
    arrays, _ = parse_predict_request(b'{"instances": ["h\xc3\xa9llo", "\xff\xfe", "a\\n"]}',
                                      STR)
    assert arrays["default"].tolist() == [b"h\xc3\xa9llo", b"\xff\xfe", b"a\n"]


def test_nul_byte_ends_the_document_and_bom_is_skipped():
    # rapidjson's MemoryStream reads a NUL as the end of input (TensorFromNonNullTerminated-
    # Buffer); EncodedInputStream<UTF8> skips a UTF-8 BOM.
    a = parse_predict_request(b'{"instances": [[1,2]]}\x00garbage', INT)[0]["default"]
    np.testing.assert_array_equal(a, [[1, 2]])
    a = parse_predict_request(b'\xef\xbb\xbf{"instances": [[1,2]]}', INT)[0]["default"]
    np.testing.assert_array_equal(a, [[1, 2]])


# ------------------------------------------------------------------------ malformed requests


@pytest.mark.parametrize("body, message", [
    (b"", "JSON Parse error: The document is empty"),
    (b"   ", "JSON Parse error: The document is empty. at offset: 3"),
    (b"instances = [1, 2]", "JSON Parse error: Invalid value. at offset: 0"),
    (b'{"instances": [1 2]}',
     "JSON Parse error: Missing a comma or ']' after an array element. at offset: 17"),
    (b'{"instances": [1] "x": 1}',
     "JSON Parse error: Missing a comma or '}' after an object member. at offset: 18"),
    (b'{"instances" [1]}',
     "JSON Parse error: Missing a colon after a name of object member. at offset: 13"),
    (b'{"instances": [1]} x',
     "JSON Parse error: The document root must not be followed by other values. at offset: 19"),
    (b'{"instances": ["abc',
     "JSON Parse error: Missing a closing quotation mark in string. at offset: 19"),
    (b'{"a":1,}', "JSON Parse error: Missing a name for object member. at offset: 7"),
    (b'{"instances": [1e400]}',
     "JSON Parse error: Number too big to be stored in double. at offset: 15"),
])
def test_json_parse_errors(body, message):
    assert error_of(body, FLOAT) == (400, message)


@pytest.mark.parametrize("body, quoted", [
    ("[1, 2]", "[\n    1,\n    2\n]"),
    ('"text"', '"text"'),
    ("1.5", "1.5"),
])
def test_top_level_not_an_object(body, quoted):
    assert error_of(body, FLOAT) == (400, f"JSON Value: {quoted} Is not object")


def test_signature_name_must_be_a_string():
    doc = ('{\n    "signature_name": 5,\n    "instances": [\n        [\n            1,\n'
           '            2\n        ]\n    ]\n}')
    assert error_of('{"signature_name": 5, "instances": [[1,2]]}', INT) == (
        400, f"JSON Value: {doc} not formatted correctly. 'signature_name' key must be a "
             "string value.")


def test_both_instances_and_inputs():
    doc = '{\n    "instances": [\n        1\n    ],\n    "inputs": [\n        1\n    ]\n}'
    assert error_of('{"instances": [1], "inputs": [1]}', FLOAT) == (
        400, f"JSON Value: {doc} Not formatted correctly expecting only one of 'inputs' or "
             "'instances' keys to exist ")


def test_quoted_document_stops_at_nan_like_rapidjson():
    # Writer::Double refuses NaN without kWriteNanAndInfFlag, so JsonValueToString stops there.
    assert error_of('{"instances": [NaN], "inputs": [1]}', FLOAT)[1] == (
        'JSON Value: {\n    "instances": [\n         Not formatted correctly expecting only '
        "one of 'inputs' or 'instances' keys to exist ")


def test_neither_instances_nor_inputs():
    assert error_of('{"signature_name": "serving_default"}', FLOAT) == (
        400, "Missing 'inputs' or 'instances' key")


def test_instances_not_a_list_or_empty():
    assert error_of('{"instances": {"x": 1}}', FLOAT) == (
        400, 'JSON Value: {\n    "instances": {\n        "x": 1\n    }\n} Excepting '
             "'instances' to be an list/array")
    assert error_of('{"instances": []}', FLOAT) == (
        400, 'JSON Value: {\n    "instances": []\n} No values in \'instances\' array')


def test_plain_list_or_value_for_a_multi_input_model():
    two = {"a": ("float32", None), "b": ("float32", None)}
    assert error_of('{"instances": [[1, 2]]}', two) == (
        400, "instances is a plain list, but expecting list of objects as multiple input "
             "tensors required as per tensorinfo_map")
    assert error_of('{"inputs": [[1, 2]]}', two) == (
        400, "inputs is a plain value/list, but expecting an object as multiple input tensors "
             "required as per tensorinfo_map")


def test_objects_with_missing_or_extra_names():
    two = {"a": ("int32", None), "b": ("int32", None)}
    assert error_of('{"instances": [{"a": 1}]}', two) == (
        400, 'Failed to process element: 0 of \'instances\' list. JSON object: {\n    "a": 1\n}'
             " keys must be equal to: a,b")
    assert error_of('{"instances": [{"a": 1, "b": 2, "c": 3}]}', two) == (
        400, wrapped(0, "JSON object: does not have named input: c", key="c"))
    assert error_of('{"inputs": {"a": [1]}}', two) == (
        400, "Missing named input: b in 'inputs' object.")


def test_mixed_objects_and_lists_in_instances():
    two = {"int_tensor": ("int32", None), "str_tensor": ("string", None)}
    body = """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6]], "str_tensor": ["foo", "bar"]},
               [1, 20, 30], {"int_tensor": [[[7,8],[9,0],[1,2]]], "str_tensor": ["baz"]}]}"""
    assert error_of(body, two) == (400, "Expecting object but got list at item 1 of input list")
    body = '{"instances": [["baz", "bar"], {"str_tensor": ["baz", "bat"]}]}'
    assert error_of(body, {"str_tensor": ("string", None)}) == (
        400, "Expecting value/list but got object at item 1 of input list")


@pytest.mark.parametrize("instances, message", [
    ("[[1,2],[3,4],[5,6,7]]", wrapped(2, "Expecting tensor size: 2 but got: 3")),
    ("[[1,2],[3,4],[[5,6]]]", wrapped(2, "Expecting shape [2] but got: [1,2]")),
    ("[1, [1]]", wrapped(1, "Expecting shape [] but got: [1]")),
    ('[[1,2],["a", "b"]]',
     wrapped(1, 'JSON Value: "a" Type: String is not of expected type: int32')),
])
def test_ragged_or_mistyped_instances(instances, message):
    assert error_of('{"instances": ' + instances + "}", INT) == (400, message)


def test_objects_whose_examples_disagree():
    two = {"int_tensor": ("int32", None), "str_tensor": ("string", None)}
    body = """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6]], "str_tensor": ["foo", "bar"]},
               {"int_tensor": [[[7,8],[9,0],[1,2]]], "str_tensor": ["baz", "bat"]}]}"""
    assert error_of(body, two)[1] == wrapped(
        1, "Expecting shape [3,2] but got: [1,3,2]", key="int_tensor")
    body = """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6],[7,8]], "str_tensor": ["a"]},
               {"int_tensor": [[7,8],[9,0],[1,2]], "str_tensor": ["b"]}]}"""
    assert error_of(body, two)[1] == wrapped(
        1, "Expecting tensor size: 8 but got: 6", key="int_tensor")


@pytest.mark.parametrize("value, message", [
    ("[[1,2],[3]]", "Encountered list at unexpected size: 1 at level: 1 expected size: 2"),
    ("[[1,2],[[3],4]]", "Encountered list at unexpected level: 2 expected < 2"),
    ("[[1,2],3]", "JSON Value: 3 found at incorrect level: 2 in the JSON DOM. Expected at "
                  "level: 2"),
])
def test_ragged_columnar_values(value, message):
    assert error_of('{"inputs": ' + value + "}", INT) == (400, message)


@pytest.mark.parametrize("dtype, literal, message", [
    ("float32", "16777217", "Cannot convert JSON value: 16777217 to float without loss of "
                            "precision."),
    ("float32", "-16777216", "Cannot convert JSON value: -16777216 to float without loss of "
                             "precision."),
    ("float32", "1e39", "Cannot convert JSON value: 1e+39 to float without loss of precision."),
    ("float64", "9007199254740993", "Cannot convert JSON value: 9007199254740993 to double "
                                    "without loss of precision."),
    ("int32", "1.5", "JSON Value: 1.5 Type: Number is not of expected type: int32"),
    ("int32", "2147483648", "JSON Value: 2147483648 Type: Number is not of expected type: int32"),
    ("int64", "1.0", "JSON Value: 1.0 Type: Number is not of expected type: int64"),
    ("int32", '"a"', 'JSON Value: "a" Type: String is not of expected type: int32'),
    ("bool", "1", "JSON Value: 1 Type: Number is not of expected type: bool"),
    ("float32", "true", "JSON Value: true Type: True is not of expected type: float"),
    ("float32", "null", "JSON Value: null Type: Null is not of expected type: float"),
    ("float32", '{"a": 1}',
     'JSON Value: {\n    "a": 1\n} Type: Object is not of expected type: float'),
])
def test_value_conversion_errors(dtype, literal, message):
    assert error_of('{"inputs": [' + literal + "]}", {"v": (dtype, None)}) == (400, message)


def test_row_value_errors_are_wrapped_and_bools_are_never_numbers():
    assert error_of('{"instances": [[30000000, 1.5], [2.5, 3.5]]}', FLOAT)[1] == wrapped(
        0, "Cannot convert JSON value: 30000000 to float without loss of precision.")
    assert error_of('{"instances": [[1.0, 2.0], [3.0, true]]}', FLOAT)[1] == wrapped(
        1, "JSON Value: true Type: True is not of expected type: float")


def test_base64_rules():
    ok = {'"aGVsbG8"': b"hello", '"aGVs bG8="': b"hello", '"aGk="': b"hi"}
    for literal, expected in ok.items():
        assert parse('{"inputs": {"b64": ' + literal + "}}", STR)[0]["default"][()] == expected
    for literal in ('"aGVsbG8=="', '"a"', '"a*b="'):
        assert error_of('{"inputs": {"b64": ' + literal + "}}", STR) == (
            400, "Unable to base64 decode")
    assert error_of('{"instances": [{"b64": "!!"}]}', STR) == (
        400, wrapped(0, "Unable to base64 decode"))
    assert error_of('{"inputs": [{"x": "y"}]}', STR) == (
        400, 'JSON Value: {\n    "x": "y"\n} not formatted correctly for base64 data')


def test_shape_checked_against_the_signature():
    assert error_of('{"instances": [[1, 2, 3]]}', F32_X) == (
        400, "Incompatible shape for input: x. Expected [?,2] but got [1,3]")
    assert error_of('{"inputs": [1, 2]}', F32_X) == (
        400, "Incompatible shape for input: x. Expected [?,2] but got [2]")
    assert parse('{"inputs": [[[1]]]}', FLOAT)[0]["default"].shape == (1, 1, 1)  # rank unknown


def test_unsupported_input_dtype_is_unimplemented():
    half = {"h": ("float16", None)}
    assert error_of('{"inputs": [1.5]}', half) == (
        501, "Conversion of JSON Value: 1.5 to type: half")
    assert error_of('{"instances": [1.5]}', half) == (
        400, "Failed to process element: 0 of 'instances' list. Error: UNIMPLEMENTED: "
             "Conversion of JSON Value: 1.5 to type: half")


def test_hostile_nesting_is_a_400_not_a_crash():
    start = time.perf_counter()
    for body in (b'{"instances": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                 b"[" * 100_000,
                 b'{"instances": ' + b"[" * 200 + b"1" + b"]" * 200 + b"}"):
        status, message = error_of(body, FLOAT)
        assert status == 400 and message
    deep = '{"a":' * 400 + "1" + "}" * 400
    status, message = error_of('{"instances": [], "x": ' + deep + "}", FLOAT)
    assert status == 400 and message.endswith("No values in 'instances' array")
    assert len(message) < 100_000
    assert time.perf_counter() - start < 30  # a hang guard, not a benchmark


# ------------------------------------------------------------------------ responses


def test_row_single_output_matches_tf_serving_bytes():
    out = {"y": np.array([[2.5, 3.0], [3.5, 4.0]], dtype=np.float32)}
    assert format_predict_response(out, True) == (
        b'{\n    "predictions": [[2.5, 3.0], [3.5, 4.0]\n    ]\n}')
    out = {"y": np.array([2.5, 3.0, 4.5], dtype=np.float32)}
    assert format_predict_response(out, True) == b'{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}'


def test_row_int_tensor_like_tf_from_json_single_tensor():
    out = {"int_tensor": np.array([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [1, 2]]],
                                  dtype=np.int32)}
    assert format_predict_response(out, True) == (
        b'{\n    "predictions": [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [1, 2]]\n    ]\n}')


def test_columnar_single_output_one_value_per_line():
    out = {"y": np.array([3.5, 4.0], dtype=np.float32)}
    assert format_predict_response(out, False) == (
        b'{\n    "outputs": [\n        3.5,\n        4.0\n    ]\n}')


def test_row_multiple_outputs():
    out = {"a": np.array([[1.0], [2.0]], dtype=np.float32), "b": np.array([1, 2])}
    assert format_predict_response(out, True) == (
        b'{\n    "predictions": [\n        {\n            "a": [1.0],\n            "b": 1\n'
        b'        },\n        {\n            "a": [2.0],\n            "b": 2\n        }\n'
        b"    ]\n}")


def test_columnar_multiple_outputs():
    out = {"a": np.array([[1.0], [2.0]], dtype=np.float32), "b": np.array([1, 2])}
    assert format_predict_response(out, False) == (
        b'{\n    "outputs": {\n        "a": [\n            [\n                1.0\n'
        b"            ],\n            [\n                2.0\n            ]\n        ],\n"
        b'        "b": [\n            1,\n            2\n        ]\n    }\n}')


def test_zero_batch_and_non_float_types():
    assert format_predict_response({"y": np.zeros((0, 2), np.int32)}, True) == (
        b'{\n    "predictions": []\n}')
    out = {"b": np.array([True, False]), "i": np.array([-2**63, 2**63 - 1], np.int64),
           "u": np.array([255, 0], np.uint8)}
    assert format_predict_response(out, True) == (
        b'{\n    "predictions": [\n        {\n            "b": true,\n            "i": '
        b'-9223372036854775808,\n            "u": 255\n        },\n        {\n            '
        b'"b": false,\n            "i": 9223372036854775807,\n            "u": 0\n        }\n'
        b"    ]\n}")


@pytest.mark.parametrize("value, dtype, token", [
    (0.1, np.float32, "0.1"),
    (1e-8, np.float32, "1e-08"),
    (3.0, np.float32, "3.0"),
    (1e20, np.float32, "1e+20"),
    (math.nan, np.float32, "NaN"),
    (math.inf, np.float32, "Infinity"),
    (-math.inf, np.float32, "-Infinity"),
    (-0.0, np.float32, "-0.0"),
    (9000000, np.float32, "9e+06"),          # FromJsonSingleFloatTensorSixDigitPrecision
    (999999, np.float32, "999999.0"),
    (0.00003, np.float32, "3e-05"),
    (555557.5, np.float32, "555557.5"),
    (16777216, np.float32, "16777216.0"),
    (1 / 3, np.float32, "0.333333343"),      # %.9g, not the shortest "0.33333334"
    (0.1, np.float64, "0.1"),
    (1e20, np.float64, "1e+20"),
    (1 / 3, np.float64, "0.33333333333333331"),
    (0.1 + 0.2, np.float64, "0.30000000000000004"),
    (123456789.0, np.float64, "123456789.0"),
    (2.5, np.float16, "2.5"),
])
def test_float_formatting(value, dtype, token):
    scalar = {"y": np.array(value, dtype=dtype)}
    assert format_predict_response(scalar, False) == ('{\n    "outputs": ' + token + "\n}").encode()
    row = {"y": np.array([value, value], dtype=dtype)}
    assert format_predict_response(row, True) == (
        '{\n    "predictions": [' + token + ", " + token + "\n    ]\n}").encode()


def test_bytes_outputs_are_base64_objects_like_tf():
    out = {"str_tensor_bytes": np.array([[b"hello", b"world"], [b"tf", b"serving"]], object)}
    assert format_predict_response(out, True) == (
        b'{\n    "predictions": [[{\n                "b64": "aGVsbG8="\n            }, {\n'
        b'                "b64": "d29ybGQ="\n            }], [{\n                "b64": "dGY="\n'
        b'            }, {\n                "b64": "c2VydmluZw=="\n            }]\n    ]\n}')
    assert format_predict_response({"x_bytes": np.array(b"hi", dtype=object)}, False) == (
        b'{\n    "outputs": {\n        "b64": "aGk="\n    }\n}')


def test_b64_round_trip_through_request_and_response():
    request = b'{"instances": [{"b64": "aGVsbG8="}, {"b64": "d29ybGQ="}]}'
    arrays, row = parse_predict_request(request, {"img_bytes": ("string", (None,))})
    assert arrays["img_bytes"].tolist() == [b"hello", b"world"]
    response = format_predict_response({"out_bytes": arrays["img_bytes"]}, row)
    assert response == (b'{\n    "predictions": [{\n            "b64": "aGVsbG8="\n        }, '
                        b'{\n            "b64": "d29ybGQ="\n        }\n    ]\n}')
    assert [d["b64"] for d in json.loads(response)["predictions"]] == ["aGVsbG8=", "d29ybGQ="]


def test_string_outputs_are_escaped_like_rapidjson():
    out = {"s": np.array(['a"b\\c\n\x01\u00e9', b"raw\xff"], dtype=object)}
    assert format_predict_response(out, False) == (
        '{\n    "outputs": [\n        "a\\"b\\\\c\\n\\u0001\u00e9",\n        "raw'.encode()
        + b'\xff"\n    ]\n}')


@pytest.mark.parametrize("outputs, message", [
    ({}, "Cannot convert empty tensor map to JSON"),
    ({"x": np.float32(1.0)}, "Tensor name: x has no shape information "),
    ({"int_tensor": np.zeros((2, 3), np.int32),
      "str_tensor": np.array([[b"foo", b"bar", b"baz"]], dtype=object)},
     "Tensor name: str_tensor has inconsistent batch size: 1 expecting: 2"),
    ({"c": np.ones(2, np.complex64)}, "Failed to write JSON value for tensor type: complex64"),
])
def test_response_errors(outputs, message):
    with pytest.raises(ServingError) as info:
        format_predict_response(outputs, True)
    assert (info.value.http_status, info.value.message) == (400, message)


def test_error_body_and_serving_error():
    assert error_body('Bad key: "key"') == b'{\n    "error": "Bad key: \\"key\\""\n}'
    assert error_body("Bad key: 'key'") == b'{\n    "error": "Bad key: \'key\'"\n}'
    assert error_body("a\nb\x1f/\u00e9") == '{\n    "error": "a\\nb\\u001F/\u00e9"\n}'.encode()
    assert json.loads(error_body("a\nb\x1f"))["error"] == "a\nb\x1f"
    e = ServingError("Servable not found", 404)
    assert (e.http_status, e.message, str(e)) == (404, "Servable not found", "Servable not found")
    assert ServingError("bad").http_status == 400


@pytest.mark.parametrize("body", [
    b'{"instances": [[1.5, 2.25], [3, 4]]}',
    b'{"instances": [[NaN, Infinity], [-Infinity, 1e-8]]}',
    b'{"inputs": [[123456789012345678901234567890, 1]]}',
    b'{"instances": [[1, 2], [3, 4]}',
])
def test_the_fast_json_parser_and_the_standard_one_agree(body, monkeypatch):
    from keras_like.serving import tensor_json

    spec = {"x": ("float64", (None, 2))}

    def outcome():
        try:
            arrays, row = tensor_json.parse_predict_request(body, spec)
            return ("ok", arrays["x"].tolist(), row)
        except tensor_json.ServingError as e:
            return ("error", e.message, e.http_status)

    fast = outcome()
    monkeypatch.setattr(tensor_json, "_orjson", None)
    standard = outcome()
    assert repr(fast) == repr(standard)  # repr: NaN equals NaN
