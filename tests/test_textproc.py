"""Arabic and English text analysis (DESIGN.md §4): what analysts can rely on
when they search a collection, and what the index and the query side share."""

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import fields, index, qparser
from whoosh.analysis import RegexTokenizer
from whoosh.highlight import HtmlFormatter, WholeFragmenter, highlight

from viewer.textproc import (
    ArabicNormalizeFilter,
    ArabicStemFilter,
    CaseFoldFilter,
    ExactFoldFilter,
    LatinStemFilter,
    TweetTokenizer,
    analyze,
    exact_analyzer,
    fold,
    is_arabic,
    normalize_arabic,
    normalize_handle,
    normalize_tag,
    stem_arabic,
    stem_latin,
    text_analyzer,
)

MOSUL = "الموصل"


def the_term(word: str) -> str:
    """The single term a one-word text gives."""
    terms = analyze(word)
    assert len(terms) == 1, (word, terms)
    return terms[0]


def texts(tokens) -> list[str]:
    return [t.text for t in tokens]


# --- Arabic normalisation ---------------------------------------------------


def test_normalize_arabic_strips_harakat_shadda_and_sukun():
    assert normalize_arabic("الْمَوْصِلُ قُوّاتٌ") == "الموصل قوات"


def test_normalize_arabic_strips_superscript_alef_and_quranic_marks():
    assert normalize_arabic("هٰذا") == "هذا"
    assert normalize_arabic("ذٰلِكَ ۖ لَا رَيْبَ ۛ") == "ذلك  لا ريب "


def test_normalize_arabic_removes_tatweel():
    assert normalize_arabic("الموصـــل") == "الموصل"


@pytest.mark.parametrize("alef", ["أ", "إ", "آ", "ٱ"])
def test_normalize_arabic_unifies_alef_forms(alef):
    assert normalize_arabic(alef + "حمد") == "احمد"


def test_normalize_arabic_turns_alef_maqsura_into_ya():
    assert normalize_arabic("نينوى") == "نينوي"


def test_normalize_arabic_turns_ta_marbuta_into_ha():
    assert normalize_arabic("مدينة") == "مدينه"


def test_normalize_arabic_turns_arabic_indic_digits_into_ascii():
    assert normalize_arabic("١٧ تشرين ٢٠١٦") == "17 تشرين 2016"


def test_normalize_arabic_turns_extended_arabic_indic_digits_into_ascii():
    assert normalize_arabic("۱۷") == "17"


def test_normalize_arabic_leaves_latin_text_alone():
    text = "Free Mosul! Café, naïve, 17 Oct 2016 #FreeMosul"
    assert normalize_arabic(text) == text


def test_fold_casefolds_and_applies_nfkc_and_arabic_normalisation():
    assert fold("MOSUL ｍｏｓｕｌ Straße") == "mosul mosul strasse"
    assert fold("ﻻ ﷲ الموصِل") == "لا الله الموصل"


# --- Hashtags and handles ---------------------------------------------------


def test_normalize_tag_ignores_case_and_the_hash_sign():
    assert normalize_tag("#FreeMosul") == normalize_tag("#FREEMOSUL") == "freemosul"
    assert normalize_tag("#FreeMosul") == normalize_tag("freemosul")


def test_normalize_tag_ignores_arabic_diacritics_and_keeps_underscores():
    assert normalize_tag("#تحرير_الموصل") == normalize_tag("#تحرير_الموصِل")
    assert normalize_tag("#تحرير_الموصل") == "تحرير_الموصل"


def test_normalize_tag_accepts_the_full_width_hash_sign():
    assert normalize_tag("＃FreeMosul") == "freemosul"


def test_normalize_handle_drops_the_at_sign_and_casefolds():
    assert normalize_handle("@Reporter_Mosul") == normalize_handle("reporter_mosul")
    assert normalize_handle("@Reporter_Mosul") == "reporter_mosul"


# --- Tokenising --------------------------------------------------------------


def test_tokenizer_splits_on_whitespace_punctuation_hash_at_and_underscore():
    tokens = texts(TweetTokenizer()("RT @Reporter_Mosul: flag raised—Hamidiyya! #Free_Mosul, (now)"))
    assert tokens == ["RT", "Reporter", "Mosul", "flag", "raised", "Hamidiyya", "Free", "Mosul", "now"]


def test_arabic_hashtag_is_searchable_as_its_words():
    assert analyze("#تحرير_الموصل") == analyze("تحرير الموصل")
    assert len(analyze("#تحرير_الموصل")) == 2


def test_diacritics_and_tatweel_do_not_split_a_word():
    assert texts(TweetTokenizer()("الْمَوْصِل الموصـــل")) == ["الْمَوْصِل", "الموصـــل"]


def test_a_change_of_script_splits_glued_words():
    assert analyze("2016م") == ["2016", "م"]


def test_token_offsets_point_at_the_original_text():
    text = "قوّات تدخل #الموصِل today"
    for t in TweetTokenizer()(text, chars=True):
        assert text[t.startchar:t.endchar] == t.text


def test_token_positions_count_words_in_order():
    tokens = TweetTokenizer()("a #b_c d", positions=True, start_pos=5)
    assert [(t.text, t.pos) for t in tokens] == [("a", 5), ("b", 6), ("c", 7), ("d", 8)]


def test_untokenized_query_text_stays_one_token():
    tokens = list(TweetTokenizer()("موص ل", tokenize=False, chars=True))
    assert [(t.text, t.startchar, t.endchar) for t in tokens] == [("موص ل", 0, 5)]


def test_decimal_numbers_and_dates_stay_whole():
    assert analyze("3.5 17.10.2016 ٣٫٥") == ["3.5", "17.10.2016", "3.5"]


def test_a_full_stop_without_a_space_still_separates_words():
    assert analyze("Mosul.The") == ["mosul", "the"]


# --- URLs ----------------------------------------------------------------


def test_url_gives_its_domain_and_path_words_only():
    url = "https://www.bbc.com/news/world-middle-east-37702442?utm_source=twitter&s=20#comments"
    assert analyze(url) == analyze("bbc com news world middle east 37702442")


def test_url_words_point_at_the_url_in_the_text():
    text = "see https://t.co/AbC123 now"
    spans = [(t.text, text[t.startchar:t.endchar]) for t in TweetTokenizer()(text, chars=True)]
    assert spans == [("see", "see"), ("t", "t"), ("co", "co"), ("AbC123", "AbC123"), ("now", "now")]


def test_percent_encoded_arabic_in_a_url_path_gives_arabic_words():
    url = "https://ar.wikipedia.org/wiki/%D9%85%D8%B9%D8%B1%D9%83%D8%A9_%D8%A7%D9%84%D9%85%D9%88%D8%B5%D9%84"
    assert the_term(MOSUL) in analyze(url)
    assert not any(term in ("d8", "d9") for term in analyze(url))


# --- Each filter ---------------------------------------------------------------


def test_case_fold_filter_lowercases_and_applies_nfkc():
    ana = RegexTokenizer(r"\S+") | CaseFoldFilter()
    assert texts(ana("MOSUL ｍｏｓｕｌ ﻻ")) == ["mosul", "mosul", "لا"]


def test_arabic_normalize_filter_normalises_only_arabic():
    ana = RegexTokenizer(r"\S+") | ArabicNormalizeFilter()
    assert texts(ana("الموصِل Mosul ١٧")) == ["الموصل", "Mosul", "17"]


def test_arabic_normalize_filter_drops_tokens_made_only_of_marks():
    ana = RegexTokenizer(r"\S+") | ArabicNormalizeFilter()
    assert texts(ana("ـــ ً الموصل")) == ["الموصل"]


def test_arabic_stem_filter_stems_arabic_and_leaves_latin_alone():
    ana = RegexTokenizer(r"\S+") | ArabicStemFilter()
    assert texts(ana("والموصل fleeing")) == ["موصل", "fleeing"]


def test_latin_stem_filter_stems_latin_and_leaves_arabic_alone():
    ana = RegexTokenizer(r"\S+") | LatinStemFilter()
    assert texts(ana("fleeing المدنيين")) == ["flee", "المدنيين"]


def test_stem_filters_leave_wildcard_patterns_whole():
    ana = RegexTokenizer(r"\S+") | ArabicStemFilter() | LatinStemFilter()
    assert texts(ana("الموص*ين flee*ing")) == ["الموص*ين", "flee*ing"]


def test_stem_filters_are_skipped_when_whoosh_asks_for_surface_forms():
    assert texts(text_analyzer()("والموصل fleeing", no_morph=True)) == ["والموصل", "fleeing"]


def test_exact_fold_filter_drops_the_sign_and_folds():
    ana = RegexTokenizer(r"\S+") | ExactFoldFilter()
    assert texts(ana("#FreeMosul @Reporter ＃تحرير_الموصِل")) == ["freemosul", "reporter", "تحرير_الموصل"]


# --- Arabic light stemming ---------------------------------------------------


@pytest.mark.parametrize(
    "form",
    ["موصل", "والموصل", "بالموصل", "للموصل", "فالموصل", "كالموصل", "وبالموصل",
     "الموصِل", "الموصـــل", "الْمَوْصِل"],
)
def test_prefixed_and_decorated_forms_of_mosul_share_its_term(form):
    assert the_term(form) == the_term(MOSUL)


@pytest.mark.parametrize("unrelated", ["موسكو", "الموت", "وصل", "مصر", "موصول", "وصول", "صل"])
def test_unrelated_words_do_not_share_the_term_of_mosul(unrelated):
    assert the_term(unrelated) != the_term(MOSUL)


@pytest.mark.parametrize(
    "word", ["ولد", "بلد", "كل", "لا", "من", "في", "الى", "على", "عن", "مع", "قد", "لم", "لن", "ما"]
)
def test_short_words_are_never_stemmed(word):
    assert the_term(word) == normalize_arabic(word)


# Distinct words, none an inflection of another, that a careless light
# stemmer merges (ولاية → لا, الله → له, طيران → طير, مدني → مدن …).
COMMON_DISTINCT_WORDS = """
ولد بلد كل لا ولا من في الى عن مع هذا هذه ذلك هو هي هم نحن انا كان قال
بعد قبل عند حتى لكن ثم اذا لم لن قد ما متى اين كيف الذي التي الذين
الله له لها لهم به منه فيه اليوم امس الان
الموصل موسكو الموت وصل مصر العراق بغداد نينوى سوريا سور لبنان لبن ايران
تركيا كردستان الرقة حلب دمشق بيروت فلسطين القدس اربيل كركوك تكريت
الجيش القوات الحشد الشعبي الشعب داعش الدولة الشرطة مقاتل المدنيين المدن
نازحين لاجئين اطفال نساء رجال شهيد قتلى جرحى معركة التحرير حرب سلام الامن
الحكومة وزير وزارة زار رئيس مدينة حي شارع جسر نهر دجلة الساحل الجامع
مسجد النوري النور الحدباء منارة الطيران طير طائرة قصف صاروخ هجوم انفجار
سيارة تشرين كانون شباط حزيران تموز قانون اخبار عاجل صور فيديو بيان
وطن وقت ولاية وسط وضع وحدة وكالة وفد وجود جود وجه واشنطن قادمون حسين
محمد عمر احمد ماء طعام دواء مستشفى طبيب الناس عالم يقول قتل هرب نزح
خرج دخل كتاب بيت اهل عائلة ابن اسلام مسلم شيعة سني مسيحي رمضان عيد صلاة
مليون سنوات شهر اسبوع ساعة صحفي قناة موقع انقذوا يا جبهة خط انسحاب سيطرة
""".split()


def test_common_arabic_words_keep_distinct_terms():
    terms = {}
    for word in COMMON_DISTINCT_WORDS:
        terms.setdefault(the_term(word), []).append(word)
    merged = {term: words for term, words in terms.items() if len(words) > 1}
    assert merged == {}


@pytest.mark.parametrize(
    "word, variant",
    [
        ("وزير", "والوزير"),  # prefix stops at a word whose و is its own
        ("وزير", "وزيرة"),
        ("وزارة", "الوزارات"),
        ("الله", "والله"),
        ("الله", "بالله"),
        ("وطن", "الوطن"),
    ],
)
def test_words_beginning_with_a_root_waw_or_al_still_meet_their_prefixed_forms(word, variant):
    assert the_term(variant) == the_term(word)


@pytest.mark.parametrize(
    "word, inflected",
    [
        ("قادم", "قادمون"),
        ("مقاتل", "مقاتلين"),
        ("سيارة", "سيارات"),
        ("مدني", "المدنيين"),
        ("مدني", "مدنية"),
        ("عراقي", "العراقيين"),
        ("حياة", "حياتنا"),
        ("حكومة", "حكومته"),
        ("جيش", "جيشنا"),
        ("وطن", "وطننا"),
        ("قلب", "قلبك"),
        ("حكومة", "الحكومات"),
        ("دولة", "الدولتين"),
        ("الموصل", "الموصلية"),
        ("قوات", "قواتها"),
    ],
)
def test_common_suffixes_are_removed(word, inflected):
    assert the_term(inflected) == the_term(word)


def test_stem_arabic_never_leaves_fewer_than_three_letters():
    for word in COMMON_DISTINCT_WORDS:
        normalised = fold(word)
        assert len(stem_arabic(normalised)) >= min(3, len(normalised)), word


def test_stem_arabic_expects_normalised_text_and_is_idempotent_on_its_output():
    for word in ["والموصل", "المدنيين", "الوزارات", "قادمون"]:
        stem = stem_arabic(normalize_arabic(word))
        assert stem_arabic(stem) == stem


def test_is_arabic_tells_the_script_of_a_token():
    assert is_arabic("الموصل")
    assert is_arabic("مدينه")
    assert not is_arabic("mosul")
    assert not is_arabic("2016")
    assert not is_arabic("café")


# --- English -----------------------------------------------------------------


def test_english_inflections_share_a_term():
    assert analyze("Fleeing flee flees") == ["flee", "flee", "flee"]


def test_english_case_does_not_matter():
    assert analyze("Mosul MOSUL mosul") == ["mosul"] * 3


def test_numbers_are_kept():
    assert analyze("17 October 2016, 100k") == ["17", "octob", "2016", "100k"]


def test_stem_latin_leaves_arabic_alone():
    assert stem_latin("المدنيين") == "المدنيين"
    assert stem_latin("civilians") == "civilian"


# --- Mixed lines ---------------------------------------------------------------


def test_mixed_line_analyses_each_token_by_its_own_script():
    line = "المدنيين fleeing والموصل Civilians #FreeMosul ١٧"
    assert analyze(line) == [
        the_term("مدني"), "flee", the_term(MOSUL), "civilian", "freemosul", "17",
    ]


# --- Exact fields --------------------------------------------------------------


def test_exact_analyzer_gives_one_folded_unstemmed_token_per_value():
    tokens = texts(exact_analyzer()("#FreeMosul, #تحرير_الموصِل #Fleeing"))
    assert tokens == ["freemosul", "تحرير_الموصل", "fleeing"]


def test_exact_analyzer_agrees_with_normalize_tag_and_normalize_handle():
    assert texts(exact_analyzer()("#FreeMosul")) == [normalize_tag("#FreeMosul")]
    assert texts(exact_analyzer()("@Reporter_Mosul")) == [normalize_handle("@Reporter_Mosul")]


# --- Inside Whoosh -------------------------------------------------------------


def test_analyzers_survive_pickling():
    for make in (text_analyzer, exact_analyzer):
        restored = pickle.loads(pickle.dumps(make()))
        assert restored == make()
        assert texts(restored("#تحرير_الموصل Fleeing")) == texts(make()("#تحرير_الموصل Fleeing"))


SCHEMA = fields.Schema(
    id=fields.ID(stored=True),
    text=fields.TEXT(analyzer=text_analyzer(), stored=True, phrase=True),
    tags=fields.KEYWORD(analyzer=exact_analyzer(), commas=False),
)
POSTS = {
    "1": "قوات الجيش تدخل الموصِل #تحرير_الموصل",
    "2": "نزوح المدنيين من بالموصل نحو أربيل",
    "3": "Civilians fleeing Mosul as the offensive begins #FreeMosul",
    "4": "مباراة في موسكو والموت في مصر",
    "5": "See https://www.bbc.com/news/world-middle-east-37702442 والموصل",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("index")
    writer = index.create_in(folder, SCHEMA).writer()
    for post_id, text in POSTS.items():
        tags = " ".join(word for word in text.split() if word.startswith("#"))
        writer.add_document(id=post_id, text=text, tags=tags)
    writer.commit()
    # Reopen from disk: the schema, analyzers included, comes back unpickled.
    return index.open_dir(folder)


def search(ix, query: str, field: str = "text") -> set[str]:
    parser = qparser.QueryParser(field, ix.schema)
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(parser.parse(query), limit=None)}


def test_index_keeps_the_analyzer_it_was_built_with(ix):
    assert ix.schema["text"].analyzer == text_analyzer()


def test_search_for_mosul_finds_every_form_and_nothing_else(ix):
    assert search(ix, MOSUL) == {"1", "2", "5"}
    assert search(ix, "الْمَوْصِل") == {"1", "2", "5"}


def test_search_for_a_hashtag_as_words_finds_it_as_a_phrase(ix):
    assert search(ix, '"تحرير الموصل"') == {"1"}


def test_search_in_english_finds_inflected_forms(ix):
    assert search(ix, "flee civilian") == {"3"}


def test_search_finds_a_link_by_its_domain(ix):
    assert search(ix, "bbc") == {"5"}


def test_prefix_query_is_normalised_and_stemmed_like_a_word(ix):
    assert search(ix, "والموص*") == {"1", "2", "5"}


def test_exact_tag_field_matches_any_spelling_of_the_tag(ix):
    assert search(ix, "#FREEMOSUL", field="tags") == {"3"}
    assert search(ix, "تحرير_الموصِل", field="tags") == {"1"}
    assert search(ix, "تحرير", field="tags") == set()


def test_highlighting_marks_the_original_words_as_written():
    text = "قوات تدخل الموصِل، وبالموصل فرحة #FreeMosul"
    marked = highlight(
        text,
        {the_term(MOSUL), "freemosul"},
        text_analyzer(),
        WholeFragmenter(),
        HtmlFormatter(tagname="b", classname="m", termclass="t"),
    )
    assert marked.count("<b") == 3
    assert ">الموصِل</b>" in marked
    assert ">وبالموصل</b>" in marked
    assert ">FreeMosul</b>" in marked


# --- The module itself ---------------------------------------------------------


def test_module_imports_neither_qt_nor_sqlite():
    code = (
        "import sys, viewer.textproc; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlite3', '_sqlite3', 'sqlite_utils')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Issue 13: the bare prepositions and conjunctions before a word without ال.
@pytest.mark.parametrize(
    "word, prefixed",
    [
        ("بغداد", "ببغداد"), ("لبنان", "بلبنان"), ("لبنان", "للبنان"), ("مصر", "لمصر"),
        ("إيران", "لإيران"), ("سوريا", "فسوريا"), ("دمشق", "بدمشق"), ("دولة", "كدولة"),
        ("قال", "فقال"), ("داعش", "بداعش"), ("داعش", "لداعش"), ("بيروت", "وبيروت"),
    ],
)
def test_a_bare_proclitic_before_a_known_word_is_removed(word, prefixed):
    assert the_term(prefixed) == the_term(word)


@pytest.mark.parametrize("word", ["بغداد", "بيروت", "لبنان", "باب", "بنت", "كتاب", "فريق", "وزير", "وطن", "ولد"])
def test_a_word_whose_first_letter_looks_like_a_proclitic_stays_whole(word):
    assert the_term(word) == normalize_arabic(word)


@pytest.mark.parametrize("form", ["لله", "ولله", "فبالله", "بالله", "والله"])
def test_every_written_form_of_allah_meets_allah(form):
    assert the_term(form) == the_term("الله")


def test_a_two_letter_stem_after_the_article_meets_the_bare_word():
    assert the_term("الحب") == the_term("حب") == the_term("وحب") == the_term("حبك")


@pytest.mark.parametrize(
    "word, look_alike",
    [("السعودية", "سعود"), ("الثورة", "ثور"), ("الشرطة", "شرط"), ("الرياضة", "الرياض"),
     ("الإمارات", "إمارة"), ("العملات", "العمل"), ("مسجد النوري", "النور")],
)
def test_no_cut_leaves_a_different_common_word(word, look_alike):
    assert analyze(word)[-1] != analyze(look_alike)[-1]


def test_liberate_and_liberated_meet():
    assert analyze("liberate") == analyze("liberated") == analyze("Liberates")


# --- The stemmer's lexicon (wordfreq, normalised with our own folding) --------


def test_the_lexicon_holds_only_our_normalised_spellings():
    from viewer.textproc.arabic import _lexicon

    lexicon = _lexicon()
    assert len(lexicon) > 100_000
    unfolded = [w for w in lexicon if fold(w) != w]
    assert unfolded == []


def test_the_lexicon_adds_up_the_spellings_that_our_folding_merges():
    import wordfreq

    from viewer.textproc.arabic import _count

    # wordfreq lists أكد and اكد apart; our folding makes them one word.
    apart = [wordfreq.word_frequency(w, "ar", "large") for w in ("أكد", "اكد")]
    assert min(apart) > 0
    assert _count("اكد") >= sum(apart) * 1e8 * 0.99


def test_the_arabic_lexicon_is_kept_in_the_user_cache_and_read_back(tmp_path, monkeypatch):
    from viewer.textproc import arabic

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    arabic._lexicon.cache_clear()
    try:
        built = arabic._lexicon()
        kept = list((tmp_path / "archive-viewer").glob("arabic-lexicon-*.marshal"))
        assert len(kept) == 1
        arabic._lexicon.cache_clear()
        assert arabic._lexicon() == built
    finally:
        arabic._lexicon.cache_clear()
