"""A fast writer of Whoosh segments, for the documents of viewer.index.

Whoosh's own writer spends ~400 µs of pure Python per tweet: every token
passes five generator filters, every posting goes through a sorting pool, is
read back, looked up for its field length and appended to a block one by
one. That made 100,000 posts cost ~40 s of CPU. This writer produces the
same segment files through Whoosh's own codec objects (per-document writer,
terms table, postings file) but does the per-posting work in bulk:

* each distinct word is analysed once per writer: a dict from the word as
  the analyzer's tokenizer cuts it to its term, computed by the analyzer's
  own filters, so the terms are exactly the analyzer's;
* postings are inverted in memory, already in document order, and each
  term's posting list is written a block at a time (pickled and compressed
  as W3PostingsWriter writes them), never a posting at a time;
* numeric columns are written in one go.

A text is analysed once for two fields: one with frequencies (for matching
and scoring: its blocks are cheap to read) and one with positions (for
phrases). What it writes is checked by tests against Whoosh's own writer
given the same documents: same terms, postings, weights, positions, lengths
and column values.

It relies on the layout of Whoosh's W3 codec (whoosh-reloaded 2.7), reached
only through viewer.index.whoosh_internals: the constructor raises TypeError
when the running Whoosh differs, and viewer.index then uses Whoosh's own
writer. Besides those, it uses the codec's per-document and field writer
interface (start_doc, finish_doc, start_field, finish_field, close).
"""
from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import chain, pairwise
from pickle import dumps
from typing import Any, Iterable, Mapping, Sequence

from whoosh import formats
from whoosh.analysis import Token
from whoosh.columns import Column
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from viewer.index import whoosh_internals as wi

# As W3PostingsWriter: 128 postings a block, zlib level 3.
_BLOCK = 128
_COMPRESSION = 3
# Whoosh means to leave small blocks uncompressed (its reader honours the
# level stored in each block); zlib's set-up costs more than it saves on a
# few dozen bytes.
_COMPRESS_MIN = 120
# A part writer is finished and another started past this many postings
# held in memory (~20 bytes each).
MAX_POSTINGS = 6_000_000


def supported() -> bool:
    return wi.w3_available()


class TermCache:
    """Maps each word the tokenizer cuts to its final term (or None when a
    filter drops it), computed once with the analyzer's own filters."""

    def __init__(self, analyzer: Any):
        items = getattr(analyzer, "items", None)
        if not items:
            raise TypeError("a composite analyzer (tokenizer | filters) is needed")
        self.tokenizer = items[0]
        self.filters = items[1:]
        self.words = _word_splitter(self.tokenizer)
        self.terms: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        t = Token(positions=False, chars=False, removestops=True, mode="index")
        t.text = word
        t.boost = 1.0
        t.stopped = False
        stream: Iterable[Token] = iter((t,))
        for f in self.filters:
            stream = f(stream)
        out = [x.text for x in stream]
        if len(out) > 1:  # a filter that splits a token cannot be cached per word
            raise TypeError(f"a filter split {word!r}")
        term = out[0] if out else None
        self.terms[word] = term
        return term

    def positions(self, text: str) -> dict[str, list[int]]:
        """term → positions, as the analyzer gives them (a position counts
        every word the tokenizer cut, also one a filter then dropped)."""
        out: dict[str, list[int]] = {}
        terms = self.terms
        for pos, word in enumerate(self.words(text)):
            term = terms[word] if word in terms else self.term(word)
            if term is not None:
                if term in out:
                    out[term].append(pos)
                else:
                    out[term] = [pos]
        return out


def _word_splitter(tokenizer: Any) -> Any:
    """words(text) → the words the tokenizer cuts, as plain strings.

    The tokenizer sets up a Token per word (~1.7 µs); matching its pattern
    alone costs a third of that. With textproc's tokenizer, its pattern is
    used directly (tests keep the two equal); any other tokenizer is called.
    """
    from viewer import textproc

    token_re = getattr(textproc, "_TOKEN_RE", None)
    url_words = getattr(textproc, "_url_words", None)
    if type(tokenizer) is not getattr(textproc, "TweetTokenizer", None) or token_re is None \
            or url_words is None:
        return lambda text: [t.text for t in tokenizer(text, mode="index")]
    finditer = token_re.finditer

    def words(text: str) -> list[str]:
        out: list[str] = []
        for m in finditer(text):
            if m.lastgroup == "url":
                out.extend(w for w, _, _ in url_words(m.group(), m.start()))
            else:
                out.append(m.group())
        return out

    return words


# A text field's postings of one term: document numbers, their encoded
# positions, and (index, frequency) pairs where a frequency is not 1.
_TextPostings = tuple[array, list[bytes], "array | None"]

# The encoded positions of a posting with one occurrence at `pos` (by far
# the commonest), shared rather than pickled again for every posting.
_ONE_POS: dict[int, bytes] = {}
# A field length as Whoosh keeps it (one byte, logarithmic), and that byte
# decoded: what blocks record as their documents' min and max length.
# Tables up to _MAXLEN words, filled by the first writer.
_MAXLEN = 4096
_LENGTH_BYTE = array("B")
_QUANTISED = array("I")


def _length_tables() -> None:
    if not _LENGTH_BYTE:
        _LENGTH_BYTE.extend(length_to_byte(n) if n else 0 for n in range(_MAXLEN + 1))
        _QUANTISED.extend(byte_to_length(b) if b else 0 for b in _LENGTH_BYTE)


def _positions_bytes(poslist: list[int]) -> bytes:
    # As formats.Positions.encode: a count, then the pickled position deltas.
    deltas = [b - a for a, b in pairwise(chain((0,), poslist))]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class FastSegmentWriter(wi.BulkSegmentWriter):
    """A SegmentWriter fed through `add(...)`, writing its segment in bulk.

    `text_fields`: pairs (frequency field, positions field or None): the
    document's text for the first is analysed once (with that field's
    analyzer) and indexed into both; the first is scorable (formats.
    Frequency), the second not (formats.Positions). `keyword_fields`:
    formats.Existence fields whose terms are given as they are. `columns`:
    column fields, their values given in this order.
    """

    def __init__(self, ix: Any, text_fields: Sequence[tuple[str, str | None]], keyword_fields: Sequence[str],
                 columns: Sequence[str], blocksize: int = _BLOCK, **kwargs: Any):
        super().__init__(ix, **kwargs)
        if not wi.writer_supported(self):
            self.cancel()
            raise TypeError("this Whoosh's writers are not laid out as this module expects")
        self._text = list(text_fields)
        self._blocksize = blocksize
        self._modes = {}
        for fname, pname in self._text:
            self._modes[fname] = _mode(self.schema[fname])
            if pname and _mode(self.schema[pname]) != "pos":
                raise TypeError(f"{pname} must be a formats.Positions field")
        for fname in keyword_fields:
            if _mode(self.schema[fname]) != "exist":
                raise TypeError(f"{fname} must be a formats.Existence field")
        self._keyword_fields = list(keyword_fields)
        cols = [(name, self.schema[name].column_type) for name in columns]
        # Numeric columns are gathered in arrays and written in one go at
        # the end; byte-string columns go straight to their writers.
        self._numeric = [(i, name, ctype, array(wi.numeric_typecode(ctype) or "q"))
                         for i, (name, ctype) in enumerate(cols) if _bulk_numeric(ctype)]
        self._bytecols = [(i, name, ctype) for i, (name, ctype) in enumerate(cols) if not _bulk_numeric(ctype)]
        self._colwriters: dict[str, Any] = {}
        self._caches = {f: TermCache(self.schema[f].analyzer) for f, _ in self._text}
        # Text fields: term → (docnums, encoded positions, sparse (index,
        # freq) pairs for frequencies other than 1); keywords: term → docnums.
        self._inv: dict[str, dict[str, _TextPostings]] = {f: {} for f, _ in self._text}
        self._kinv: dict[str, dict[str, array]] = {f: {} for f in self._keyword_fields}
        _length_tables()
        self._lengths = {f: array("I") for f, _ in self._text}  # quantised, per doc
        self._lenbytes = {f: array("B") for f, _ in self._text}
        self._lensum = {f: 0 for f, _ in self._text}
        self._postings = 0

    @property
    def postings_held(self) -> int:
        return self._postings

    def add(self, texts: Mapping[str, str], keywords: Mapping[str, Sequence[str]], columns: Sequence[Any]) -> int:
        """Add one document: its texts (keyed by frequency field), keyword
        terms and column values. Returns its document number."""
        docnum = self.docnum
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        n = 0
        for fname, _ in self._text:
            n += self._add_text(fname, texts.get(fname), docnum)
        for fname in self._keyword_fields:
            words = keywords.get(fname)
            if words:
                n += self._add_keywords(fname, words, docnum)
        self._add_columns(columns, docnum)
        pdw.finish_doc()
        self._postings += n * (1 + sum(1 for _, p in self._text if p))
        self.mark_added()
        self.docnum += 1
        return docnum

    def _add_text(self, fname: str, value: str | None, docnum: int) -> int:
        """Invert one document's text into the field's postings and record
        its length; returns the number of distinct terms."""
        poses = self._caches[fname].positions(value) if value else {}
        one_pos = _ONE_POS
        length = 0
        inv = self._inv[fname]
        for term, poslist in poses.items():
            p = inv.get(term)
            if p is None:
                p = inv[term] = (array("I"), [], None)
            p[0].append(docnum)
            if len(poslist) == 1:
                length += 1
                v = one_pos.get(poslist[0])
                if v is None:
                    v = one_pos[poslist[0]] = _positions_bytes(poslist)
                p[1].append(v)
            else:
                freq = len(poslist)
                length += freq
                p[1].append(_positions_bytes(poslist))
                freqs = p[2]
                if freqs is None:
                    freqs = array("I")
                    inv[term] = (p[0], p[1], freqs)
                freqs.append(len(p[0]) - 1)
                freqs.append(freq)
        if self._modes[fname] == "exist":
            length = len(poses)  # Existence counts each word once
        if length <= _MAXLEN:
            self._lengths[fname].append(_QUANTISED[length])
            self._lenbytes[fname].append(_LENGTH_BYTE[length])
        else:
            self._lenbytes[fname].append(length_to_byte(length))
            self._lengths[fname].append(byte_to_length(length_to_byte(length)))
        self._lensum[fname] += length
        return len(poses)

    def _add_keywords(self, fname: str, words: Sequence[str], docnum: int) -> int:
        """One document's keyword terms (each once); returns how many."""
        kinv = self._kinv[fname]
        n = 0
        for term in (set(words) if len(words) > 1 else words):
            if term:
                docs = kinv.get(term)
                if docs is None:
                    docs = kinv[term] = array("I")
                docs.append(docnum)
                n += 1
        return n

    def _add_columns(self, columns: Sequence[Any], docnum: int) -> None:
        for i, _, _, colvalues in self._numeric:
            colvalues.append(columns[i])
        for i, cname, ctype in self._bytecols:
            value = columns[i]
            if value:
                w = self._colwriters.get(cname)
                if w is None:
                    w = self._colwriters[cname] = self._column_writer(cname, ctype)
                w.add(docnum, value)

    def _column_writer(self, name: str, ctype: Column) -> Any:
        return wi.column_writer(self, name, ctype)

    def _write_numeric(self, name: str, ctype: Column, values: array) -> None:
        """A whole numeric column in one write: the big-endian values that
        NumericColumn.Writer would write one by one."""
        data = array(values.typecode, values)
        if data.itemsize > 1 and sys.byteorder == "little":
            data.byteswap()
        wi.write_numeric_column(self._column_writer(name, ctype), data.tobytes(), len(values))

    # -- the segment -------------------------------------------------------------
    def write_segment(self) -> None:
        for _, name, ctype, colvalues in self._numeric:
            self._write_numeric(name, ctype, colvalues)
        for fname, _ in self._text:
            if self._lensum[fname]:
                wi.write_field_lengths(self, fname, self._lenbytes[fname], self._lensum[fname])
        self.perdocwriter.close()
        plan: list[tuple[str, Mapping[str, _TextPostings | array], str, array | None]] = []
        for fname, pname in self._text:
            plan.append((fname, self._inv[fname], self._modes[fname],
                         self._lengths[fname] if self.schema[fname].scorable else None))
            if pname:
                plan.append((pname, self._inv[fname], "pos", None))
        for fname in self._keyword_fields:
            plan.append((fname, self._kinv[fname], "exist", None))
        fw = self.fieldwriter
        out = wi.TermsOut(fw)
        postfile = out.postfile
        # Fields in name order (their ids then grow with their names, as
        # the terms table wants its keys in order), terms in byte order.
        for fname, terms, mode, lengths in sorted(plan, key=lambda x: x[0]):
            if not terms:
                continue
            fw.start_field(fname, self.schema[fname])
            prefix = pack_ushort(out.field_prefix(fname))
            offset = postfile.tell()
            for btext, term in sorted((t.encode("utf-8"), t) for t in terms):
                entry = terms[term]
                docs, values, freqs = entry if isinstance(entry, tuple) else (entry, None, None)
                info, size = _write_postings(postfile, offset, mode, docs, values, freqs, lengths,
                                             self._blocksize)
                offset += size
                out.add_term(prefix + btext, info)
            fw.finish_field()
        fw.close()
        self._inv = {}
        self._kinv = {}

    def commit(self, mergetype: Any = None, optimize: bool = False, merge: bool = True) -> None:
        # Whoosh's merge policies feed old segments through the posting pool,
        # which this writer does not read: it never merges (viewer.index
        # folds small segments by rewriting their posts instead). Segments
        # whose every document is deleted are dropped.
        super().commit(mergetype=drop_empty)


def drop_empty(writer: Any, segments: list) -> list:
    """A Whoosh merge policy that merges nothing and drops the segments
    whose every document is deleted."""
    return [s for s in segments if s.doc_count() > 0]


def _bulk_numeric(ctype: Any) -> bool:
    """Whether a column can be written in one go: a plain NumericColumn
    whose struct size matches the array's item size."""
    tc = wi.numeric_typecode(ctype)
    if tc is None:
        return False
    try:
        return array(tc).itemsize == struct.calcsize("!" + tc)
    except (ValueError, struct.error):
        return False


_ONE_FREQ = pack_uint(1)


def _mode(fieldobj: Any) -> str:
    fmt = type(fieldobj.format)
    if fmt is formats.Positions:
        return "pos"
    if fmt is formats.Frequency:
        return "freq"
    if fmt is formats.Existence:
        return "exist"
    raise TypeError(f"no fast path for {fmt.__name__} fields")


def _write_postings(postfile: Any, start: int, mode: str, docs: array, values: list[bytes] | None,
                    freqs: array | None, lengths: array | None, block: int = _BLOCK) -> tuple[Any, int]:
    """Write one term's posting list at `start` as W3PostingsWriter would,
    a block at a time; returns its W3TermInfo and the bytes written.
    mode: "freq" (formats.Frequency), "pos" (formats.Positions) or "exist"
    (formats.Existence)."""
    parts = [wi.postings_header()]
    n = len(docs)
    weights = _weights(freqs, n) if freqs is not None and mode != "exist" else None
    total_weight = 0.0
    maxweight_all = 0.0
    minlen_all: int | None = None
    maxlen_all = 0
    for b in range(0, n, block):
        ids = docs[b:b + block]
        ws = weights[b:b + block] if weights is not None else None
        mini_w, maxweight = _block_weights(ws)
        total_weight += sum(ws) if ws is not None else len(ids)
        if mode == "pos":
            assert values is not None, "a positions field without positions"
            mini_v: Any = tuple(values[b:b + block])
        elif mode == "freq":
            mini_v = _ONE_FREQ * len(ids) if mini_w is None else b"".join(pack_uint(int(w)) for w in ws or ())
        else:
            mini_v = None
        minlen, maxlen = _block_lengths(ids, lengths)
        parts.append(_encode_block(ids, mini_w, mini_v, maxweight, minlen, maxlen, last=b + block >= n))
        # W3TermInfo.add_block's bookkeeping
        if minlen_all is None:
            minlen_all = minlen
        elif minlen is not None:
            minlen_all = min(minlen_all, minlen)
        maxlen_all = max(maxlen_all, maxlen)
        maxweight_all = max(maxweight_all, maxweight)
    data = b"".join(parts)
    postfile.write(data)
    ti = wi.term_info(weight=total_weight, df=n, minlength=minlen_all, maxlength=maxlen_all,
                      maxweight=maxweight_all, minid=docs[0], maxid=docs[-1], offset=start, length=len(data))
    return ti, len(data)


def _weights(freqs: array, n: int) -> array:
    """Every posting's weight: 1.0 but where the sparse (index, freq) pairs say otherwise."""
    weights = array("f", [1.0]) * n
    for i in range(0, len(freqs), 2):
        weights[freqs[i]] = float(freqs[i + 1])
    return weights


def _block_weights(ws: array | None) -> tuple[float | tuple[float, ...] | None, float]:
    """A block's weights as W3 stores them (None when all are 1.0, one
    number when all are equal) and the largest."""
    if ws is None:
        return None, 1.0
    maxweight = max(ws)
    if maxweight == 1.0 and min(ws) == 1.0:
        return None, maxweight
    if all(w == ws[0] for w in ws):
        return ws[0], maxweight
    return tuple(ws), maxweight


def _block_lengths(ids: array, lengths: array | None) -> tuple[int | None, int]:
    """The shortest (ignoring empty ones) and longest document of a block."""
    if lengths is None:
        return None, 0
    lens = [lengths[d] for d in ids]
    maxlen = max(lens)
    minlen = min(lens) if 0 not in lens else min((x for x in lens if x), default=None)
    return minlen, maxlen


def _encode_block(ids: array, mini_w: Any, mini_v: Any, maxweight: float, minlen: int | None, maxlen: int,
                  last: bool) -> bytes:
    """One block as W3 writes it: its length (negative for the last), the
    pickled block info, then the pickled ids (delta-coded), weights and
    values, compressed unless small."""
    mini_ids = (ids[0], *(y - x for x, y in pairwise(ids)))
    databytes = dumps((mini_ids, mini_w, mini_v), 2)
    comp = _COMPRESSION if len(databytes) > _COMPRESS_MIN else 0
    if comp:
        databytes = zlib.compress(databytes, comp)
    infobytes = dumps((len(ids), ids[-1], maxweight, comp, length_to_byte(minlen), length_to_byte(maxlen)), 2)
    blocklength = len(infobytes) + len(databytes)
    return pack_int(-blocklength if last else blocklength) + infobytes + databytes
