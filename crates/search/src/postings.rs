//! How a term's documents are stored and combined. A query's work must not grow with the
//! number of matches (a common word matches most of a large archive), so a worker combines
//! bitmaps: a few thousand machine words at 100,000 releases, however many documents match.
//!
//! Stored, a term is `~` and URL-safe base64 of two sets, the documents it occurs in anywhere
//! and those with it in the title. Each set is written in one of two forms: a list of
//! delta-coded LEB128 varints (a rare term) or a bitmap (a common one, or one whose bitmap is
//! at most a third larger than its list: [`write_set`]). Text without the `~`
//! is the earlier form ([`decode_postings`]), still read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64;
use base64::Engine as _;

/// Ids a set may hold: `0 .. MAX_DOCS` (a bitmap of them is 2 MiB). A larger id in stored
/// data is damage: decoding stops there.
pub const MAX_DOCS: u32 = 1 << 24;

/// A term hit in the title.
pub const IN_TITLE: u8 = 1;
/// A term hit in the keywords.
pub const IN_KEYWORDS: u8 = 2;
/// A term hit in the lead or body.
pub const IN_TEXT: u8 = 4;

/// A document id and where a term occurs in it ([`IN_TITLE`] | [`IN_KEYWORDS`] | [`IN_TEXT`]).
pub type Posting = (u32, u8);

/// A set of document ids, as a bitmap.
#[derive(Clone, Debug, Default)]
pub struct DocSet {
    words: Vec<u64>,
}

impl PartialEq for DocSet {
    fn eq(&self, other: &Self) -> bool {
        let (short, long) = if self.words.len() <= other.words.len() { (self, other) } else { (other, self) };
        short.words == long.words[..short.words.len()] && long.words[short.words.len()..].iter().all(|w| *w == 0)
    }
}

impl Eq for DocSet {}

impl DocSet {
    /// The set of `ids` (any order); ids from [`MAX_DOCS`] on are left out.
    pub fn from_ids(ids: impl IntoIterator<Item = u32>) -> Self {
        let mut set = DocSet::default();
        for id in ids {
            set.insert(id);
        }
        set
    }

    /// Adds `id`; false (and nothing added) from [`MAX_DOCS`] on.
    pub fn insert(&mut self, id: u32) -> bool {
        if id >= MAX_DOCS {
            return false;
        }
        let word = (id / 64) as usize;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (id % 64);
        true
    }

    /// Removes `id`; an id the set does not hold changes nothing.
    pub fn remove(&mut self, id: u32) {
        if let Some(w) = self.words.get_mut((id / 64) as usize) {
            *w &= !(1 << (id % 64));
        }
    }

    /// True when `id` is in the set.
    pub fn contains(&self, id: u32) -> bool {
        self.words.get((id / 64) as usize).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when the set holds nothing.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Adds every id of `other`.
    pub fn union_with(&mut self, other: &DocSet) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w |= o;
        }
    }

    /// Keeps only the ids also in `other`.
    pub fn intersect_with(&mut self, other: &DocSet) {
        self.words.truncate(other.words.len());
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w &= o;
        }
    }

    /// The ids not in `other`.
    pub fn difference(&self, other: &DocSet) -> DocSet {
        let words = self.words.iter().enumerate().map(|(i, w)| w & !other.words.get(i).copied().unwrap_or(0));
        DocSet { words: words.collect() }
    }

    /// Up to `take` ids, highest (newest) first, after skipping the `skip` highest. Skipped
    /// words are counted, not walked, so a deep page costs little more than the first.
    pub fn newest(&self, mut skip: usize, take: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(take.min(64));
        for (i, &word) in self.words.iter().enumerate().rev() {
            if out.len() == take {
                break;
            }
            let ones = word.count_ones() as usize;
            if skip >= ones {
                skip -= ones;
                continue;
            }
            let mut rest = word;
            while rest != 0 && out.len() < take {
                let bit = 63 - rest.leading_zeros();
                rest &= !(1 << bit);
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(i as u32 * 64 + bit);
                }
            }
        }
        out
    }

    /// ORs bitmap bytes (bit `id % 8` of byte `id / 8`) into the set.
    fn union_bytes(&mut self, bytes: &[u8]) {
        let bytes = &bytes[..bytes.len().min(MAX_DOCS as usize / 8)];
        let words = bytes.len().div_ceil(8);
        if words > self.words.len() {
            self.words.resize(words, 0);
        }
        // Whole words first, without copying each through a buffer (a common term's bitmap
        // is 12.5 KB at 100,000 releases), then the last, partial one.
        let mut whole = bytes.chunks_exact(8);
        for (w, chunk) in self.words.iter_mut().zip(&mut whole) {
            if let Ok(le) = <[u8; 8]>::try_from(chunk) {
                *w |= u64::from_le_bytes(le);
            }
        }
        let rest = whole.remainder();
        if !rest.is_empty() {
            let mut le = [0u8; 8];
            le[..rest.len()].copy_from_slice(rest);
            self.words[bytes.len() / 8] |= u64::from_le_bytes(le);
        }
    }
}

/// The documents of one or more terms: anywhere, and in the title.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermDocs {
    /// Documents with the term anywhere (title, keywords, lead, body, contacts).
    pub any: DocSet,
    /// Documents with the term in the title.
    pub title: DocSet,
}

impl TermDocs {
    /// Adds the documents of a stored term ([`encode_term`], or the earlier
    /// [`encode_postings`]); damaged text adds what decoded before the damage.
    pub fn add_encoded(&mut self, text: &str) {
        let Some(packed) = text.strip_prefix('~') else {
            for (id, flags) in decode_postings(text) {
                if self.any.insert(id) && flags & IN_TITLE != 0 {
                    self.title.insert(id);
                }
            }
            return;
        };
        let bytes = BASE64.decode(packed).unwrap_or_default();
        let mut pos = 0;
        let _ = read_set(&bytes, &mut pos, &mut self.any) && read_set(&bytes, &mut pos, &mut self.title);
    }
}

/// Stores a term's postings (ascending ids) as two sets, each in its smaller form.
pub fn encode_term(postings: &[Posting]) -> String {
    let any: Vec<u32> = postings.iter().map(|p| p.0).collect();
    let title: Vec<u32> = postings.iter().filter(|p| p.1 & IN_TITLE != 0).map(|p| p.0).collect();
    let mut bytes = Vec::new();
    write_set(&any, &mut bytes);
    write_set(&title, &mut bytes);
    format!("~{}", BASE64.encode(bytes))
}

/// Stores ascending ids as one set (a search filter's documents).
pub fn encode_ids(ids: &[u32]) -> String {
    let mut bytes = Vec::new();
    write_set(ids, &mut bytes);
    format!("~{}", BASE64.encode(bytes))
}

/// Decodes [`encode_ids`]; damaged text yields nothing.
pub fn decode_ids(text: &str) -> DocSet {
    let mut set = DocSet::default();
    if let Some(bytes) = text.strip_prefix('~').and_then(|packed| BASE64.decode(packed).ok()) {
        read_set(&bytes, &mut 0, &mut set);
    }
    set
}

/// Appends a set: a varint of `payload length << 1 | is bitmap`, then the payload. The bitmap
/// is chosen unless it is over a third larger than the list: a worker ORs a bitmap in a word
/// at a time, but decodes a list an id at a time, so a bitmap reads ~10x faster per byte (a
/// title set of 9,000 ids among 100,000 is a 9.5 KB list or a 12.5 KB bitmap).
fn write_set(ids: &[u32], out: &mut Vec<u8>) {
    let list = list_bytes(ids);
    let bitmap_pays = bitmap_len(ids) * 3 <= list.len() * 4;
    let (is_bitmap, payload) = if bitmap_pays { (1, bitmap_bytes(ids)) } else { (0, list) };
    push_varint(out, (payload.len() as u64) << 1 | is_bitmap);
    out.extend(payload);
}

/// Adds the set at `*pos` ([`write_set`]) to `set`; false when the data ends or is damaged.
fn read_set(bytes: &[u8], pos: &mut usize, set: &mut DocSet) -> bool {
    let Some((is_bitmap, payload)) = read_varint(bytes, pos).and_then(|head| {
        let len = usize::try_from(head >> 1).ok()?;
        let payload = bytes.get(*pos..pos.checked_add(len)?)?;
        *pos += len;
        Some((head & 1 == 1, payload))
    }) else {
        return false;
    };
    if is_bitmap {
        set.union_bytes(payload);
        true
    } else {
        add_list(set, payload)
    }
}

/// Ascending ids as delta varints (the first from 0).
fn list_bytes(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut previous = 0;
    for &id in ids {
        push_varint(&mut out, u64::from(id - previous));
        previous = id;
    }
    out
}

/// Bytes of the bitmap of ascending `ids`.
fn bitmap_len(ids: &[u32]) -> usize {
    ids.last().map_or(0, |max| *max as usize / 8 + 1)
}

/// Ids as bitmap bytes: bit `id % 8` of byte `id / 8`.
fn bitmap_bytes(ids: &[u32]) -> Vec<u8> {
    let mut out = vec![0u8; bitmap_len(ids)];
    for &id in ids {
        out[id as usize / 8] |= 1 << (id % 8);
    }
    out
}

/// Adds delta-varint ids ([`list_bytes`]) to `set`, up to any damage; false if damaged.
fn add_list(set: &mut DocSet, bytes: &[u8]) -> bool {
    let (mut pos, mut id) = (0, 0u32);
    while let Some(&byte) = bytes.get(pos) {
        // Most gaps take one byte: read those without the general loop.
        let delta = if byte < 0x80 {
            pos += 1;
            Some(u32::from(byte))
        } else {
            read_varint(bytes, &mut pos).and_then(|d| u32::try_from(d).ok())
        };
        let Some(next) = delta.and_then(|d| id.checked_add(d)) else { return false };
        id = next;
        if !set.insert(id) {
            return false;
        }
    }
    true
}

/// Appends `v` as a LEB128 varint.
fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a LEB128 varint at `*pos` (at most 35 bits), moving `pos` past it.
fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..=35).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The earlier stored form: each posting a LEB128 varint of `(id - previous id) << 3 |
/// where`, in URL-safe base64 (kept to write test data in it and to read records built
/// before the sets).
pub fn encode_postings(postings: &[Posting]) -> String {
    let mut bytes = Vec::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(id, flags) in postings {
        push_varint(&mut bytes, (u64::from(id - previous) << 3) | u64::from(flags & 7));
        previous = id;
    }
    BASE64.encode(bytes)
}

/// Decodes [`encode_postings`]; damaged text yields the entries before the damage.
pub fn decode_postings(text: &str) -> Vec<Posting> {
    let bytes = BASE64.decode(text).unwrap_or_default();
    let (mut out, mut pos, mut id) = (Vec::with_capacity(bytes.len()), 0, 0u32);
    while pos < bytes.len() {
        let Some(v) = read_varint(&bytes, &mut pos) else { break };
        let Some(next) = u32::try_from(v >> 3).ok().and_then(|d| id.checked_add(d)) else { break };
        id = next;
        out.push((id, (v & 7) as u8));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> TermDocs {
        let mut d = TermDocs::default();
        d.add_encoded(text);
        d
    }

    #[test]
    fn sets_combine_and_page_newest_first() {
        let mut a = DocSet::from_ids([1, 5, 64, 65, 200, 300]);
        let b = DocSet::from_ids([5, 65, 300, 1000]);
        assert_eq!((a.len(), a.contains(64), a.contains(63)), (6, true, false));
        assert_eq!(a.difference(&b), DocSet::from_ids([1, 64, 200]));
        a.intersect_with(&b);
        assert_eq!(a, DocSet::from_ids([5, 65, 300]));
        a.union_with(&DocSet::from_ids([2]));
        a.remove(65);
        assert_eq!(a.newest(0, 10), [300, 5, 2]);
        let many = DocSet::from_ids(0..1000);
        assert_eq!(many.newest(0, 3), [999, 998, 997]);
        assert_eq!(many.newest(990, 20), (0..10).rev().collect::<Vec<_>>(), "skips whole words by count");
        assert!(many.newest(1000, 5).is_empty());
        assert!(!DocSet::default().insert(MAX_DOCS) && DocSet::from_ids([MAX_DOCS]).is_empty());
        assert_eq!(DocSet::from_ids([3]), DocSet::from_ids([3, 500]).difference(&DocSet::from_ids([500])));
    }

    #[test]
    fn a_term_round_trips_in_its_smaller_form() {
        let rare: Vec<Posting> = vec![(3, IN_TEXT), (70_000, IN_TITLE | IN_TEXT)];
        let common: Vec<Posting> = (0..5_000).map(|id| (id, if id % 100 == 0 { IN_TITLE } else { IN_TEXT })).collect();
        for postings in [&rare, &common] {
            let d = docs(&encode_term(postings));
            assert_eq!(d.any, DocSet::from_ids(postings.iter().map(|p| p.0)));
            assert_eq!(d.title, DocSet::from_ids(postings.iter().filter(|p| p.1 & IN_TITLE != 0).map(|p| p.0)));
        }
        assert!(encode_term(&rare).len() < 20, "a list, not an 8 KiB bitmap: {}", encode_term(&rare));
        assert!(encode_term(&common).len() < 5_000 / 8 * 4 / 3 + 200, "a bitmap, not 5,000 varints");
        let ids: Vec<u32> = common.iter().map(|p| p.0).filter(|id| id % 3 == 0).collect();
        assert_eq!(decode_ids(&encode_ids(&ids)), DocSet::from_ids(ids.iter().copied()));
        assert_eq!(decode_ids(&encode_ids(&[])), DocSet::default());
        assert_eq!(decode_ids("~not base64!"), DocSet::default());
        assert_eq!(decode_ids("AAAA"), DocSet::default(), "no `~`: not a set");
        let old = docs(&encode_postings(&rare));
        assert_eq!((old.any, old.title), (DocSet::from_ids([3, 70_000]), DocSet::from_ids([70_000])));
    }

    #[test]
    fn damage_stops_decoding_and_huge_ids_are_refused() {
        let whole = encode_term(&[(1, IN_TITLE), (2, IN_TEXT), (9, IN_TEXT)]);
        let cut = &whole[..whole.len() - 2];
        assert!(docs(cut).any.len() <= 3);
        assert_eq!(docs("~not base64!"), TermDocs::default());
        assert_eq!(docs("~"), TermDocs::default());
        // A list claiming an id past MAX_DOCS stops there instead of allocating for it.
        let mut bytes = Vec::new();
        let mut list = Vec::new();
        push_varint(&mut list, 7);
        push_varint(&mut list, u64::from(MAX_DOCS));
        push_varint(&mut bytes, (list.len() as u64) << 1);
        bytes.extend(list);
        assert_eq!(docs(&format!("~{}", BASE64.encode(&bytes))).any, DocSet::from_ids([7]));
        assert_eq!(docs(&encode_postings(&[(u32::MAX, IN_TEXT)])).any, DocSet::default());
    }

    #[test]
    fn postings_round_trip_compactly_and_damage_stops_decoding() {
        let postings: Vec<Posting> = vec![(0, 1), (1, 4), (130, 7), (70_000, 2), (4_000_000_000, 5)];
        let text = encode_postings(&postings);
        assert_eq!(decode_postings(&text), postings);
        assert!(encode_postings(&[(5, 4), (6, 4), (7, 4)]).len() <= 4, "small gaps take a byte each");
        assert_eq!(decode_postings("not base64!"), []);
        assert_eq!(decode_postings(&"_".repeat(20)), [], "an endless varint");
    }
}
