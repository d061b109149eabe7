"""The request-schema helper every sandbox marketplace checks its requests with."""

from marketplace_sandbox.schema import Field, Schema

ITEM = Schema(
    Field("item_name", str, required=True, min_length=1, max_length=12),
    Field("original_price", (int, float), required=True, minimum=1000),
    Field("condition", str, choices=("NEW", "USED")),
    Field("image", dict, required=True, fields=Schema(
        Field("image_id_list", list, required=True, max_length=2, items=Field("", str)))),
    Field("model", list, items=Schema(Field("model_sku", str, required=True, max_length=5))),
)
GOOD = {"item_name": "Gạo ST25", "original_price": 50_000, "image": {"image_id_list": ["a", "b"]}}


def rules(schema, data):
    return [(v.path, v.rule) for v in schema.violations(data)]


def test_a_request_that_keeps_every_rule_has_no_violation():
    assert ITEM.violations(GOOD) == [] and ITEM.first_violation(GOOD) is None


def test_missing_null_and_empty_values_are_missing_when_required():
    assert rules(ITEM, {}) == [("item_name", "required"), ("original_price", "required"), ("image", "required")]
    assert rules(ITEM, {**GOOD, "item_name": "", "image": {"image_id_list": []}}) == [
        ("item_name", "required"), ("image.image_id_list", "required")]
    assert rules(ITEM, {**GOOD, "condition": None}) == []  # optional and not given


def test_types_lengths_ranges_and_choices_are_checked_a_bool_is_no_number():
    assert rules(ITEM, {**GOOD, "original_price": True}) == [("original_price", "type")]
    assert rules(ITEM, {**GOOD, "original_price": "50000"}) == [("original_price", "type")]
    assert rules(ITEM, {**GOOD, "original_price": 999}) == [("original_price", "minimum")]
    assert rules(ITEM, {**GOOD, "item_name": "x" * 13}) == [("item_name", "max_length")]
    assert rules(ITEM, {**GOOD, "condition": "BROKEN"}) == [("condition", "choices")]


def test_nested_objects_and_list_elements_are_named_by_their_path():
    data = {**GOOD, "image": {"image_id_list": ["a", 7, "c"]}, "model": [{"model_sku": "ok"}, {"model_sku": "toolong"}]}
    assert rules(ITEM, data) == [("image.image_id_list", "max_length"), ("model[1].model_sku", "max_length")]
    data = {**GOOD, "image": {"image_id_list": ["a", 7]}}
    assert rules(ITEM, data) == [("image.image_id_list[1]", "type")]
    assert ITEM.first_violation(data).field.name == ""


def test_unknown_members_are_refused_only_when_the_schema_says_so():
    strict = Schema(Field("item_id", int, required=True), allow_unknown=False)
    assert rules(strict, {"item_id": 1, "itemid": 2}) == [("itemid", "unknown")]
    assert rules(Schema(Field("item_id", int)), {"item_id": 1, "itemid": 2}) == []
    assert rules(strict, ["not", "an", "object"]) == [("$", "type")]
