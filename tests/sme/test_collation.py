"""Vietnamese alphabetical order: letters with their own place (ă â đ ê ô ơ ư), then tones."""

from sme.collation import vietnamese_sort_key


def test_letters_with_marks_come_after_their_base_letter_as_in_a_dictionary():
    words = ["ơn", "ăn", "đi", "an", "ưa", "dê", "ôm", "ẩn", "em", "ếch", "ốc", "ung", "om"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "an", "ăn", "ẩn", "dê", "đi", "em", "ếch", "om", "ốc", "ôm", "ơn", "ung", "ưa"]


def test_tones_decide_only_between_otherwise_equal_words_in_the_usual_order():
    # no mark, grave, hook, tilde, acute, dot below
    assert sorted(["má", "mạ", "mà", "mã", "ma", "mả"], key=vietnamese_sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(["Thạnh Phú", "Thanh Bình", "Thành Lợi"], key=vietnamese_sort_key) == [
        "Thanh Bình", "Thành Lợi", "Thạnh Phú"]


def test_case_and_composition_do_not_matter():
    decomposed = "Đa\u0300o"  # Đào typed with a combining grave accent
    assert vietnamese_sort_key(decomposed) == vietnamese_sort_key("đào")
    assert sorted(["Cái Bè", "Châu Thành", "cao lãnh", "Chợ Gạo"], key=vietnamese_sort_key) == [
        "Cái Bè", "cao lãnh", "Châu Thành", "Chợ Gạo"]


def test_numbers_sort_before_letters_and_by_value_of_each_digit():
    assert sorted(["Tân Phước 3", "Tân Phước 1", "Tân Phước", "Tân Phước 2"], key=vietnamese_sort_key) == [
        "Tân Phước", "Tân Phước 1", "Tân Phước 2", "Tân Phước 3"]
