"""How the verbatim raw records are compressed in the `raw` table.

Each record is compressed on its own (any one is read back alone), and a
record is small (a tweet's JSON, a few hundred bytes to a few KB), so zlib
starts every record knowing nothing and spends most of the output on the
field names it meets for the first time. A preset dictionary of what
tweet records of every format repeat (field names, common values) gives it
that knowledge up front: the same bytes come back, verbatim.

A zlib stream names its preset dictionary (the Adler-32 in its header), so
a record says itself which dictionary it needs: records written before the
dictionary (plain zlib) still read, and a later dictionary can be added
beside this one without rewriting a collection. Never change a dictionary
once records were written with it; add a new one.
"""
from __future__ import annotations

import os
import zlib
from typing import Any, Callable

from viewer.processes import die_with_parent

# Level 3: on 100k generated twarc2 records (bench/raw_levels.py) it is 4.6 %
# smaller than level 1 (217 against 228 bytes a record) for 2.5 % more time
# (16.3 against 15.9 µs), and that time is spent aside (AsideCompressor).
# Level 6 gains 3 % more for 20 % more time; 9 is 6 again on records this
# small. Decompression reads any level.
LEVEL = 3

# What tweet records repeat, in the formats the importer reads: API v2
# (twarc2 pages and flattened), API v1.1 (tweets, users, media, entities,
# retweeted and quoted statuses), the account archives. zlib finds matches
# closer to the end of the dictionary more cheaply, so the commonest come last.
_PARTS = [
    # v1.1 user and place objects, and the rarer v1.1 status fields
    '"profile_background_color":"C0DEED","profile_background_image_url":"http://abs.twimg.com/images/themes/'
    'theme1/bg.png","profile_background_image_url_https":"https://abs.twimg.com/images/themes/theme1/bg.png",'
    '"profile_background_tile":false,"profile_link_color":"1DA1F2","profile_sidebar_border_color":"C0DEED",'
    '"profile_sidebar_fill_color":"DDEEF6","profile_text_color":"333333","profile_use_background_image":true,'
    '"has_extended_profile":false,"default_profile":true,"default_profile_image":false,"following":false,'
    '"follow_request_sent":false,"notifications":false,"translator_type":"none","withheld_in_countries":[],'
    '"is_translator":false,"is_translation_enabled":false,"contributors_enabled":false,"geo_enabled":false,'
    '"utc_offset":null,"time_zone":null,"profile_banner_url":"https://pbs.twimg.com/profile_banners/',
    '"place":{"id":"","url":"https://api.twitter.com/1.1/geo/id/","place_type":"city","name":"","full_name":"",'
    '"country_code":"IQ","country":"Iraq","bounding_box":{"type":"Polygon","coordinates":[[[',
    '"sizes":{"thumb":{"w":150,"h":150,"resize":"crop"},"medium":{"w":1200,"h":675,"resize":"fit"},'
    '"small":{"w":680,"h":383,"resize":"fit"},"large":{"w":1280,"h":720,"resize":"fit"}}',
    '"extended_entities":{"media":[{"id":,"id_str":"","indices":[,"media_url":"http://pbs.twimg.com/media/'
    '.jpg","media_url_https":"https://pbs.twimg.com/media/","url":"https://t.co/","display_url":"pic.twitter.com/'
    '","expanded_url":"https://twitter.com/","type":"photo","video_info":{"aspect_ratio":[16,9],'
    '"duration_millis":,"variants":[{"bitrate":,"content_type":"video/mp4","url":"https://video.twimg.com/',
    '"user":{"id":,"id_str":"","name":"","screen_name":"","location":"","description":"","url":null,'
    '"entities":{"description":{"urls":[]}},"protected":false,"followers_count":,"friends_count":,'
    '"listed_count":,"created_at":"","favourites_count":,"statuses_count":,"lang":null,"verified":false,'
    '"profile_image_url":"http://pbs.twimg.com/profile_images/","profile_image_url_https":'
    '"https://pbs.twimg.com/profile_images/_normal.jpg"}',
    '"geo":null,"coordinates":null,"place":null,"contributors":null,"is_quote_status":false,'
    '"quoted_status_id":,"quoted_status_id_str":"","quoted_status":{"retweeted_status":{',
    '"retweet_count":0,"favorite_count":0,"favorited":false,"retweeted":false,"possibly_sensitive":false,'
    '"filter_level":"low","lang":"ar","lang":"en","lang":"und","timestamp_ms":"',
    '"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,"in_reply_to_user_id":null,'
    '"in_reply_to_user_id_str":null,"in_reply_to_screen_name":null,',
    '"source":"<a href=\\"http://twitter.com/download/iphone\\" rel=\\"nofollow\\">Twitter for iPhone</a>",'
    '"source":"<a href=\\"http://twitter.com/download/android\\" rel=\\"nofollow\\">Twitter for Android</a>",'
    '"source":"<a href=\\"https://mobile.twitter.com\\" rel=\\"nofollow\\">Twitter Web App</a>",',
    '"entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]},"entities":{"hashtags":[{"text":"',
    '","indices":[]}],"user_mentions":[{"screen_name":"","name":"","id":,"id_str":"","indices":[',
    '"urls":[{"url":"https://t.co/","expanded_url":"https://","display_url":"","indices":[',
    '{"created_at":"Mon Oct 17 05:00:00 +0000 2016","id":,"id_str":"","full_text":"","text":"RT @",'
    '"truncated":false,"display_text_range":[0,',
    # account archive (tweets.js) and API v2
    '{"tweet":{"edit_info":{"initial":{"editTweetIds":["","editableUntil":"","editsRemaining":"5",'
    '"isEditEligible":true}},"retweeted":false,"source":"","entities":{"hashtags":[],"symbols":[],'
    '"user_mentions":[],"urls":[]},"display_text_range":["0",""],"favorite_count":"0","id_str":"",'
    '"truncated":false,"retweet_count":"0","id":"","created_at":"","favorited":false,"full_text":"",'
    '"lang":"',
    '"includes":{"users":[{"media":[{"media_key":"3_","type":"photo","url":"https://pbs.twimg.com/media/'
    '","preview_image_url":"https://pbs.twimg.com/ext_tw_video_thumb/","width":,"height":,'
    '"public_metrics":{"view_count":',
    '"attachments":{"media_keys":["3_"]},"geo":{"place_id":"","coordinates":{"type":"Point","coordinates":[',
    '"withheld":{"copyright":false,"country_codes":["',
    '"author":{"id":"","username":"","name":"","description":"","created_at":"","verified":false,'
    '"verified_type":"none","protected":false,"profile_image_url":"https://pbs.twimg.com/profile_images/",'
    '"location":"","url":"","public_metrics":{"followers_count":,"following_count":,"tweet_count":,'
    '"listed_count":,"like_count":',
    '"in_reply_to_user_id":"","referenced_tweets":[{"type":"replied_to","id":""}],'
    '"referenced_tweets":[{"type":"quoted","id":""}],"referenced_tweets":[{"type":"retweeted","id":""}]',
    '"entities":{"annotations":[{"start":,"end":,"probability":0.,"type":"Place","normalized_text":""}],'
    '"mentions":[{"start":,"end":,"username":"","id":""}],"urls":[{"start":,"end":,"url":"https://t.co/",'
    '"expanded_url":"https://","display_url":"","media_key":"3_","unwound_url":"https://","status":200,'
    '"title":"","description":""}],"cashtags":[{"start":,"end":,"tag":""}],"hashtags":[{"start":,"end":,'
    '"tag":"',
    '"context_annotations":[{"domain":{"id":"","name":"","description":""},"entity":{"id":"","name":"",'
    '"description":""}}],',
    '{"id":"","text":"","author_id":"","conversation_id":"","created_at":"2017-01-01T00:00:00.000Z",'
    '"lang":"ar","source":"Twitter for Android","source":"Twitter for iPhone","source":"Twitter Web App",'
    '"edit_history_tweet_ids":[""],"possibly_sensitive":false,"reply_settings":"everyone",'
    '"public_metrics":{"retweet_count":,"reply_count":,"like_count":,"quote_count":,"bookmark_count":,'
    '"impression_count":0},"edit_controls":{"edits_remaining":5,"is_edit_eligible":true,"editable_until":"',
    # Arabic and English words a harvest about the region repeats
    ' الموصل العراق في من على إلى عن مع هذا التي الذي بعد قبل اليوم داعش القوات الجيش المدنيين #الموصل ',
    ' the of and to in for on with from this that is are was RT @ https://t.co/',
]
DICTIONARY = "".join(_PARTS).encode("utf-8")
_BY_ID = {zlib.adler32(DICTIONARY): DICTIONARY}
_FDICT = 0x20  # the zlib header's "a preset dictionary follows" flag


# Loading the dictionary into a fresh compressor costs more than copying one
# that already holds it (a third of the time per record); same bytes out.
_PRIMED = zlib.compressobj(LEVEL, zdict=DICTIONARY)


def compress(raw: bytes) -> bytes:
    c = _PRIMED.copy()
    return c.compress(raw) + c.flush()


def decompress(blob: bytes) -> bytes:
    if len(blob) >= 6 and blob[1] & _FDICT:
        zdict = _BY_ID.get(int.from_bytes(blob[2:6], "big"))
        if zdict is None:
            raise ValueError("a raw record compressed with a dictionary this version does not know")
        d = zlib.decompressobj(zdict=zdict)
        return d.decompress(blob) + d.flush()
    return zlib.decompress(blob)


def compress_many(raws: list[bytes]) -> list[bytes]:
    return [compress(r) for r in raws]


class AsideCompressor:
    """Compresses a large batch's raw records in another process while the
    importer writes the batch's rows: zlib was a sixth of an import's CPU,
    all of it on the importer's one core. The bytes are the same as
    compress() gives here (the same function, in a spawned interpreter of
    the same Python); a small batch, or any failure of the process, is
    compressed here instead."""

    MIN_BATCH = 1000

    def __init__(self) -> None:
        self._pool: Any = None
        self._broken = False

    def submit(self, raws: list[bytes]) -> Callable[[], list[bytes]]:
        """Start compressing `raws`; the returned call gives the results in order."""
        if len(raws) < self.MIN_BATCH or self._broken:
            return lambda: compress_many(raws)
        try:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, never fork: a forked child would map the importer's pages.
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=die_with_parent, initargs=(os.getpid(), "av-compress"))
            future = self._pool.submit(compress_many, raws)
        except (OSError, RuntimeError):
            self._broken = True
            return lambda: compress_many(raws)

        def result() -> list[bytes]:
            try:
                out: list[bytes] = future.result()
                return out
            except Exception:  # the process died or could not start: do it here
                self._broken = True
                return compress_many(raws)

        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
