/* Accord's search worker for mkdocs-material's search box.
 *
 * It answers the theme's messages (SETUP 0, READY 1, QUERY 2, RESULT 3) from the index
 * Accord writes into search/accord/ (accord.search.static): the same documents and scores
 * as `accord search`. Only the shards of the words typed and the documents shown are
 * fetched, so the first result does not wait for the whole index.
 *
 * The results are drawn by search-results.js in the page, as text: what each one is (an
 * agreement and its status, a lesson and its impact…), one line of context, a few tags;
 * the count of all matches; and, when no record answers, the registers. They reach it on
 * the BroadcastChannel CHANNEL (a worker has no page to draw in), and the theme gets no
 * items of its own to draw (they are in `accord`, for the tests and scripts that ask the
 * worker directly).
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const BASE = new URL("../../search/accord/", self.location)
const TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu
const MAX_RESULTS = 30  // results listed at first; "Show more" adds as many again
const WITH_TEXT = 30  // the results listed get a line of context
const CONTEXT = 160  // characters of context, at most
const CHANNEL = "accord-search"
const KINDS = { agreement: "Agreement", organization: "Organisation", playbook: "Playbook",
  retrospective: "Retrospective", lesson: "Lesson", page: "Page" }
const IMPACTS = { positive: "Went well", negative: "Went wrong", mixed: "Mixed", neutral: "Neutral" }
const EXPANSIONS = 30
const MIN_PARTIAL = 3  // a word being typed is expanded from its third letter ("a", "da" match no tags)

let meta = null
let stop = new Set()
let shardKeys = []
let forms = []
let syntax = /(?!)/
let fields = new Set()
/* `word:` is a field only for a field there is (else the colon is punctuation), as in `accord search` */
const FIELD_COLON = /(?<![\p{L}\p{N}_\\])([\p{L}\p{N}_]+):(?!\/\/)/gu
const shards = new Map()  // key → Promise of a shard
const chunks = new Map()  // number → Promise of documents
const texts = new Map()  // number → Promise of texts

function fetchJSON(path) {
  return fetch(new URL(path, BASE)).then(response => {
    if (!response.ok) throw new Error(`${path}: ${response.status}`)
    return response.json()
  })
}

/* The records whose title has `stem`: document, title length, … */
function titlesOf(data, stem) {
  return (data.titles && data.titles[stem]) || []
}

const idfs = new Map()  // stem → idf, from the shards read
function idfOf(stem) {
  return idfs.get(stem) || 0
}

function fileKey(key) {
  let name = ""
  for (const c of key)
    name += /^[a-z0-9]$/.test(c) ? c : `_${c.codePointAt(0).toString(16)}_`
  return name || "_"
}

function shard(key) {
  if (!shards.has(key))
    shards.set(key, fetchJSON(`words/${fileKey(key)}.json`).then(data => {
      for (const [stem, idf] of Object.entries(data.idf || {})) idfs.set(stem, idf)
      return data
    }).catch(() => ({ words: {}, stems: {} })))
  return shards.get(key)
}

/* The shard a word is in: the longest shard prefix of it */
function keyOf(word) {
  for (let n = Math.min(word.length, 4); n >= 0; n--) {
    const key = word.slice(0, n)
    if (shardKeys.has(key)) return key
  }
  return null
}

/* Every shard that may hold words starting with `prefix` */
function keysFor(prefix) {
  const found = new Set()
  const own = keyOf(prefix)
  if (own !== null) found.add(own)
  for (const key of shardKeys)
    if (key.startsWith(prefix)) found.add(key)
  return [...found]
}

function chunk(number) {
  if (!chunks.has(number))
    chunks.set(number, fetchJSON(`docs/${number}.json`))
  return chunks.get(number)
}

async function documentAt(number) {
  const size = meta.chunk
  const rows = await chunk(Math.floor(number / size))
  const [location, title, type, tags, impact, parent, record, status] = rows[number % size]
  return { number, location, title, type, tags, impact, parent, record, status: status || "" }
}

/* The index holds values escaped for HTML (the theme's own renderer reads them so); the
 * results are text, set with textContent */
function unescapeHTML(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
}

/* Porter's stemmer, step for step as accord.search.terms.porter (the tests compare the
 * two on the index's words): a question's word no record has as written is looked up by
 * its stem, as `accord search` does ("pseudonymising" finds "pseudonymised"). */
const STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
  entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive",
  fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" }
const STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" }
const C = "[^aeiouy]+", V = "[aeiou]+"
const M_GT0 = new RegExp(`^(${C})?${V}${C}`)
const M_EQ1 = new RegExp(`^(${C})?${V}${C}(${V})?$`)
const M_GT1 = new RegExp(`^(${C})?${V}${C}${V}${C}`)
const HAS_VOWEL = new RegExp(`^(${C})?[aeiouy]`)
const CVC = new RegExp(`^${C}[aeiouy][^aeiouwxy]$`)
const ED_ING = /^(.*)(ed|ing)$/
const AT_BL_IZ = /(at|bl|iz)$/
const DOUBLE = /([^aeiouylsz])\1$/
const STEP2_RE = new RegExp(`^(.+?)(${Object.keys(STEP2).join("|")})$`)
const STEP3_RE = new RegExp(`^(.+?)(${Object.keys(STEP3).join("|")})$`)
const STEP4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/
const STEP4_ION = /^(.+?)(s|t)(ion)$/

function porter(w) {
  if (w.length < 3) return w
  const firstIsY = w[0] === "y"
  if (firstIsY) w = "Y" + w.slice(1)
  if (w.endsWith("s")) {
    if (w.endsWith("sses") || w.endsWith("ies")) w = w.slice(0, -2)
    else if (w[w.length - 2] !== "s") w = w.slice(0, -1)
  }
  let m
  if (w.endsWith("eed")) {
    if (M_GT0.test(w.slice(0, -3))) w = w.slice(0, -1)
  } else if ((m = ED_ING.exec(w)) && HAS_VOWEL.test(m[1])) {
    w = m[1]
    if (AT_BL_IZ.test(w)) w += "e"
    else if (DOUBLE.test(w)) w = w.slice(0, -1)
    else if (CVC.test(w)) w += "e"
  }
  if (w.endsWith("y") && HAS_VOWEL.test(w.slice(0, -1))) w = w.slice(0, -1) + "i"
  if ((m = STEP2_RE.exec(w)) && M_GT0.test(m[1])) w = m[1] + STEP2[m[2]]
  if ((m = STEP3_RE.exec(w)) && M_GT0.test(m[1])) w = m[1] + STEP3[m[2]]
  if ((m = STEP4.exec(w))) {
    if (M_GT1.test(m[1])) w = m[1]
  } else if ((m = STEP4_ION.exec(w)) && M_GT1.test(m[1] + m[2])) {
    w = m[1] + m[2]
  }
  if (w.endsWith("e")) {
    const rest = w.slice(0, -1)
    if (M_GT1.test(rest) || (M_EQ1.test(rest) && !CVC.test(rest))) w = rest
  }
  if (w.endsWith("ll") && M_GT1.test(w)) w = w.slice(0, -1)
  if (firstIsY) w = "y" + w.slice(1)
  return w
}

async function textOf(number) {
  const size = meta.text_chunk
  const part = Math.floor(number / size)
  if (!texts.has(part))
    texts.set(part, fetchJSON(`text/${part}.json`))
  return (await texts.get(part))[number % size]
}

function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      best = Math.min(best, current[j])
    }
    if (best > limit) return limit + 1
    previous = current
  }
  return previous[b.length]
}

/* The words of a query, as the index analyses them; the last one may still be typed */
function analyse(query) {
  const raw = query.toLowerCase().match(TOKEN) || []
  const open = raw.length > 0 && /[\p{L}\p{N}_]$/u.test(query)
  const found = []
  raw.forEach((word, i) => {
    if (word.length >= 2 && !stop.has(word))
      found.push({ word, partial: open && i === raw.length - 1 })
  })
  return found
}

/* The stems a query word stands for, each with its postings, and how it was found: the
 * word itself, else its stem (another form of it), else the words it begins (while it is
 * being typed), else the nearest known word (a typo). */
async function resolve({ word, partial }) {
  const key = keyOf(word)
  const own = key === null ? null : await shard(key)
  if (own && own.words[word] !== undefined) {
    const stem = own.words[word]
    return { word, how: "word", shown: [word], stems: [[stem, own.stems[stem], titlesOf(own, stem)]] }
  }
  const stem = porter(word)
  for (const data of [own, keyOf(stem) === null ? null : await shard(keyOf(stem))])
    if (data && data.stems[stem] !== undefined) {
      const shown = Object.keys(data.words).filter(w => data.words[w] === stem)
      return { word, how: "stem", shown: [word, ...shown], stems: [[stem, data.stems[stem], titlesOf(data, stem)]] }
    }
  if (partial && word.length >= MIN_PARTIAL) {
    const stems = new Map(), shown = []
    for (const k of keysFor(word)) {
      const data = await shard(k)
      for (const [candidate, stem] of Object.entries(data.words))
        if (candidate.startsWith(word) && shown.length < EXPANSIONS) {
          shown.push(candidate)
          stems.set(stem, [data.stems[stem], titlesOf(data, stem)])
        }
    }
    if (stems.size)
      return { word, how: "partial", shown, stems: [...stems].map(([stem, [flat, titles]]) => [stem, flat, titles]) }
  }
  if (own && /^\p{L}{4,}$/u.test(word)) {
    const limit = word.length <= 5 ? 1 : 2
    let best = null
    for (const [candidate, stem] of Object.entries(own.words)) {
      const d = distance(word, candidate, limit)
      if (d > limit) continue
      const frequency = own.stems[stem].length / 2
      if (!best || d < best.d || (d === best.d && frequency > best.frequency))
        best = { d, frequency, candidate, stem }
    }
    if (best)
      return { word, how: "typo", shown: [best.candidate],
        stems: [[best.stem, own.stems[best.stem], titlesOf(own, best.stem)]] }
  }
  return { word, how: "none", shown: [], stems: [] }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* One line of context: the sentence with the first matched word (else the text's start),
 * at most CONTEXT characters, cut at word boundaries */
function contextOf(text, pattern) {
  let at = -1
  if (pattern) {
    pattern.lastIndex = 0
    const first = pattern.exec(text)
    if (first) at = first.index + first[1].length
  }
  if (at < 0) return cut(text, 0)
  const before = text.slice(0, at)
  const ends = [...before.matchAll(/[.!?]\s+(?=\S)/g)]
  let start = ends.length ? ends[ends.length - 1].index + ends[ends.length - 1][0].length : 0
  if (at - start > CONTEXT / 2) {  // a long sentence: from a word shortly before the match
    start = text.lastIndexOf(" ", at - CONTEXT / 3)
    start = start < 0 ? 0 : start + 1
  }
  return cut(text, start)
}

function cut(text, start) {
  let part = text.slice(start)
  const long = part.length > CONTEXT
  if (long) {
    part = part.slice(0, CONTEXT + 1)
    const space = part.lastIndexOf(" ")
    part = part.slice(0, space > 0 ? space : CONTEXT).replace(/[\s,;:–-]+$/u, "")
  }
  return (start > 0 ? "… " : "") + part + (long ? " …" : "")
}

/* The forms of question a query has ("what went wrong", "who is responsible") */
function formsOf(query) {
  return forms.filter(form => form.pattern.test(query))
}

/* The words that say what a question is about: without those of its forms, unless nothing
 * would be left, as in `accord search` */
function subject(query) {
  query = query.replace(FIELD_COLON, (whole, name) => fields.has(name.toLowerCase()) ? whole : name + " ")
  if (syntax.test(query)) return query
  let rest = query
  for (const form of forms) rest = rest.replace(new RegExp(form.pattern.source, "gi"), " ")
  return analyse(rest).length ? rest : query
}

/* The results of a query, or null once a newer query has come (typing goes on: what a
 * stale query would still fetch is left unfetched). `limit`: how many to list. */
async function search(query, turn, limit = MAX_RESULTS) {
  const asked = formsOf(query)
  const terms = analyse(subject(query))
  const answer = { query, count: 0, results: [], unknown: [], corrected: [], registers: meta.registers || [] }
  if (!terms.length) return answer
  const all = await Promise.all(terms.map(resolve))
  if (turn !== latest) return null
  /* A term counts once, however often the question has it, as `accord search` counts
   * stems: a word, by its stem; a word being typed or found nowhere, by itself */
  const keys = new Set(), resolved = []
  for (const entry of all) {
    const key = entry.stems.length === 1 ? `s ${entry.stems[0][0]}` : `w ${entry.word}`
    if (!keys.has(key)) {
      keys.add(key)
      resolved.push(entry)
    }
  }
  answer.unknown = resolved.filter(r => r.how === "none").map(r => r.word)
  answer.corrected = resolved.filter(r => r.how === "typo").map(r => [r.word, r.shown[0]])
  /* No record answers a question when a word of it is found nowhere and the others only
   * by correcting them ("xylophone quartet" is not "quarterly"): say so, list nothing */
  if (answer.unknown.length && resolved.every(r => r.how === "none" || r.how === "typo")) {
    answer.unknown = resolved.map(r => r.word)
    answer.corrected = []
    return answer
  }
  const scores = new Map()  // document → score
  const matched = new Map()  // document → Set of query words
  const held = new Map()  // document → the idf of the query words it holds
  const holds = new Map()  // document → how many of the words that make the tiers it holds
  let present = 0  // the idf of the query words some record holds
  let counted = 0  // the words that make the tiers
  for (const { word, stems } of resolved) {
    const best = new Map()  // a partial word counts once per document: its best stem
    let most = 0
    for (const [stem, flat] of stems) {
      const idf = idfOf(stem)
      most = Math.max(most, idf)
      for (let i = 0; i < flat.length; i += 2)
        if (flat[i + 1] > (best.get(flat[i]) || [0])[0]) best.set(flat[i], [flat[i + 1], idf])
    }
    present += most
    for (const [doc, [score, idf]] of best) {
      scores.set(doc, (scores.get(doc) || 0) + score / meta.scale)
      held.set(doc, (held.get(doc) || 0) + idf)
      if (!matched.has(doc)) matched.set(doc, new Set())
      matched.get(doc).add(word)
    }
    const holders = tierHolders(stems, best)
    if (holders !== null) {
      counted += 1
      for (const doc of holders) holds.set(doc, (holds.get(doc) || 0) + 1)
    }
  }
  /* A record the question names comes first (its title's words overlap the question's),
   * and each kind of result is weighed by the form of the question, as in `accord search` */
  const named = new Map()  // document → [query words its title has, its title's length]
  for (const { stems } of resolved) {
    const seen = new Set()
    for (const [, , titles] of stems)
      for (let i = 0; i < titles.length; i += 2) {
        const doc = titles[i]
        if (seen.has(doc)) continue
        seen.add(doc)
        const [shared] = named.get(doc) || [0]
        named.set(doc, [shared + 1, titles[i + 1]])
      }
  }
  const weights = { ...meta.weights }
  for (const form of asked)
    for (const [key, value] of Object.entries(form.weights)) weights[key] = (weights[key] ?? 1) * value
  const nameWeight = asked.every(form => form.names) ? meta.name_weight : 0
  /* Results come in tiers by the words of the question they miss, as in `accord search`
   * (accord.search.query.missing): every result holding them all first, then those missing
   * one, and so on; a record the question names misses none. Within a tier a result is
   * weighed by the share of the question it holds, each word by its idf (missing
   * "hospital" costs more than missing "data"; accord.search.query.held_share) */
  const ranked = []
  for (const [number, score] of scores) {
    const type = meta.types[number]
    let weight = weights[type] ?? 1
    let share = present > 0 ? Math.min(held.get(number) / present, 1) : 1
    let missing = counted - (holds.get(number) || 0)
    if (nameWeight && named.has(number) && meta.named.includes(type)) {
      const [shared, length] = named.get(number)
      const overlap = shared / Math.max(length + resolved.length - shared, 1)
      weight *= 1 + nameWeight * overlap
      if (overlap >= meta.names_it) {
        share = 1
        missing = 0
      }
    }
    ranked.push([number, score * weight * share, missing])
  }
  ranked.sort((a, b) => a[2] - b[2] || b[1] - a[1] || a[0] - b[0])
  answer.count = ranked.length
  const best = ranked.slice(0, limit)
  const docs = await Promise.all(best.map(([number]) => documentAt(number)))
  if (turn !== latest) return null
  const shownTexts = await Promise.all(best.slice(0, Math.max(WITH_TEXT, limit)).map(([number]) => textOf(number)))
  if (turn !== latest) return null
  const shown = resolved.flatMap(r => r.shown).filter(w => w.length)
  const pattern = shown.length
    ? new RegExp(`(^|[^\\p{L}\\p{N}_])(${shown.map(escapeRegExp).join("|")})`, "giu")
    : null
  for (const [i, [number, score, missing]] of best.entries()) {
    const doc = docs[i]
    const words = matched.get(number) || new Set()
    const result = {
      location: doc.location,
      type: doc.type,
      kind: KINDS[doc.type] || "Page",
      status: doc.type === "lesson" ? IMPACTS[doc.impact] || "" : doc.status ? capitalise(doc.status) : "",
      title: unescapeHTML(doc.title),
      context: contextOf(unescapeHTML(shownTexts[i] || ""), pattern),
      tags: doc.tags.map(unescapeHTML),
      score,
      missing,  // how many words of the question it misses
      all: missing === 0,
      terms: Object.fromEntries(terms.map(t => [t.word, words.has(t.word)])),
    }
    if (doc.parent >= 0) {
      const page = await documentAt(doc.parent)
      result.parent = { location: page.location, title: unescapeHTML(page.title), type: page.type }
    }
    answer.results.push(result)
  }
  answer.marks = shown
  return answer
}

/* Which documents hold a word of the question, if it is one that makes the tiers (else
 * null), as accord.search.query.missing counts them: the documents of its stems' postings
 * (`best`), and every record of a kind the word names ("lessons"). A word no record holds
 * does not count, nor a common one (held by meta.common of the records or more) unless
 * it names a kind. */
function tierHolders(stems, best) {
  const holders = new Set(best.keys())
  let kind = false
  for (const [stem] of stems) {
    const letters = (meta.kind_words || {})[stem]
    if (letters === undefined) continue
    kind = true
    for (let doc = 0; doc < meta.types.length; doc++)
      if (letters.includes(meta.types[doc])) holders.add(doc)
  }
  let records = 0
  for (const doc of holders) if (meta.types[doc] !== "p") records += 1
  if (records === 0) return null
  if (!kind && records >= (meta.common ?? 1) * meta.records) return null
  return holders
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

let ready = null
let latest = 0

function load() {
  return fetchJSON("index.json").then(data => {
    meta = data
    stop = new Set(data.stop)
    shardKeys = new Set(data.shards)
    forms = (data.forms || []).map(form => ({ ...form, pattern: new RegExp(form.pattern, "i") }))
    if (data.syntax) syntax = new RegExp(data.syntax)
    fields = new Set(data.fields || [])
  })
}
let last = null  // the last answer: its query and how many it listed
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null

/* What the page asks on the channel: more results of the query shown, or the last answer
 * again (the page's script may start after the theme's first query, as with `?q=`) */
if (channel) channel.onmessage = async ev => {
  const message = ev.data || {}
  if (!last || message.query !== last.query) return
  if (message.type === "more") {
    const turn = ++latest
    const data = await search(last.query, turn, last.results.length + MAX_RESULTS)
    if (data !== null && turn === latest) answer(data)
  } else if (message.type === "again") {
    channel.postMessage(last)
  }
}

function answer(data) {
  last = data
  if (channel) channel.postMessage(data)
  postMessage({ type: RESULT, data: { items: [], accord: data } })
}

addEventListener("message", async ev => {
  const message = ev.data
  if (message.type === SETUP) {
    ready = load()
    await ready.catch(() => {})
    postMessage({ type: READY })
  } else if (message.type === QUERY) {
    const turn = ++latest
    let data
    try {
      // not there yet (`mkdocs serve` writes it after the pages): asked again
      await ready.catch(() => (ready = load()))
      data = await search(message.data, turn)
    } catch (error) {
      console.warn("accord search:", error)
      data = { query: message.data, count: 0, results: [], unknown: [], corrected: [], registers: [] }
    }
    if (data !== null && turn === latest) answer(data)
  }
})

/* For the tests, in node: the stemmer */
if (typeof module === "object" && module.exports) module.exports = { porter }
