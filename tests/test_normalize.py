from tocsin.normalize import is_byline, normalize_text, split_glued_sentences


def test_glued_sentences_are_split() -> None:
    assert split_glued_sentences("on Thursday night.By mobilizing") == "on Thursday night. By mobilizing"
    assert split_glued_sentences("in Iraq.\u201dGermany") == "in Iraq.\u201d Germany"


def test_abbreviations_are_not_split() -> None:
    text = "The U.S.A. and the U.S. Army met at example.com today."
    assert split_glued_sentences(text) == text


def test_straight_quote_between_glued_sentences_goes_to_the_right_side() -> None:
    assert normalize_text("He left.\u201cWe will go,\u201d she said.") == 'He left. "We will go," she said.'
    assert normalize_text('She said "we go."Then he left.') == 'She said "we go." Then he left.'
    assert normalize_text("He said no.\u201cWe go.\u201d") == 'He said no. "We go."'


def test_curly_quotes_dashes_and_invisible_characters() -> None:
    text = "\u201cIt wasn\u2019t far off,\u201d\u00a0the source\u200b said \u2014 again."
    assert normalize_text(text) == '"It wasn\'t far off," the source said - again.'


def test_bylines_and_bare_dates_are_not_content() -> None:
    assert is_byline("By JERUSALEM POST STAFF")
    assert is_byline("Published: May 17, 2019 10:32")
    assert not is_byline("By mobilizing their allies, Iran has spooked the US.")
    text = "By JERUSALEM POST STAFF\nIran mobilised its allies in the region on Thursday."
    assert normalize_text(text) == "Iran mobilised its allies in the region on Thursday."


def test_pull_quote_repeated_later_is_dropped() -> None:
    text = (
        '"It was not quite a call to arms, but it was not far off," the source told to the paper.\n'
        "Officials met on Monday. "
        '"It was not quite a call to arms, but it was not far off," the source told the paper.'
    )
    assert normalize_text(text).count("call to arms") == 1


def test_paragraphs_are_kept_apart() -> None:
    assert normalize_text("One  line.\n\n\n  Two line.  ") == "One line.\n\nTwo line."
