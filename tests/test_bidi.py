"""Which runs of a post keep their own order when it is shown: links,
handles, hashtags and numbers standing alone, each as one isolate."""
from __future__ import annotations

from viewer.bidi import FSI, PDI, isolate


def test_a_bare_pic_twitter_link_is_one_run_with_its_digits_inside():
    # Isolated apart, the closing "6" of the link's code was drawn left of
    # the whole link in an Arabic paragraph ("6pic.twitter.com/rvqxJC4tI").
    shown, _ = isolate("إنسانية #الموصل pic.twitter.com/rvqxJC4tI6")
    assert shown.endswith(f"{FSI}pic.twitter.com/rvqxJC4tI6{PDI}")
    assert shown.count(FSI) == 2


def test_digits_inside_a_word_stay_in_it_and_numbers_alone_are_isolated():
    shown, _ = isolate("الرمز JC4tI6 في 10:30 و 1,200 مدني")
    assert shown == f"الرمز JC4tI6 في {FSI}10:30{PDI} و {FSI}1,200{PDI} مدني"
