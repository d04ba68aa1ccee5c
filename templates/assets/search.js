/* Accord's search worker for mkdocs-material's search box.
 *
 * It answers the theme's messages (SETUP 0, READY 1, QUERY 2, RESULT 3) from the index
 * Accord writes into search/accord/ (accord.search.static): the same documents and scores
 * as `accord search`. Only the shards of the words typed and the documents shown are
 * fetched, so the first result does not wait for the whole index.
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const BASE = new URL("../../search/accord/", self.location)
const TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu
const MAX_RESULTS = 30  // results listed, each with its page
const WITH_TEXT = 10  // the first results get a snippet under their title
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

function fileKey(key) {
  let name = ""
  for (const c of key)
    name += /^[a-z0-9]$/.test(c) ? c : `_${c.codePointAt(0).toString(16)}_`
  return name || "_"
}

function shard(key) {
  if (!shards.has(key))
    shards.set(key, fetchJSON(`words/${fileKey(key)}.json`).catch(() => ({ words: {}, stems: {} })))
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
  const [location, title, type, tags, impact, parent, record] = rows[number % size]
  return { number, location, title, type, tags, impact, parent, record }
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

/* The stems a query word stands for, each with its postings: the word itself, else the
 * words it begins (while it is being typed), else the nearest known word (a typo). */
async function resolve({ word, partial }) {
  const key = keyOf(word)
  const own = key === null ? null : await shard(key)
  if (own && own.words[word] !== undefined) {
    const stem = own.words[word]
    return { word, shown: [word], stems: [[stem, own.stems[stem], titlesOf(own, stem)]] }
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
    if (stems.size) return { word, shown, stems: [...stems].map(([stem, [flat, titles]]) => [stem, flat, titles]) }
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
      return { word, shown: [best.candidate], stems: [[best.stem, own.stems[best.stem], titlesOf(own, best.stem)]] }
  }
  return { word, shown: [], stems: [] }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* The text around the first match, the matched words marked */
function highlight(text, pattern, around = 120) {
  if (!pattern) return text.length > 2 * around ? text.slice(0, 2 * around) + " …" : text
  pattern.lastIndex = 0
  const first = pattern.exec(text)
  let start = 0
  if (first && first.index > around) {
    start = text.lastIndexOf(" ", first.index - around / 2)
    start = start < 0 ? 0 : start + 1
  }
  let part = text.slice(start, start + 2 * around)
  if (start + 2 * around < text.length) part += " …"
  if (start > 0) part = "… " + part
  pattern.lastIndex = 0
  return part.replace(pattern, (_, before, word) => `${before}<mark>${word}</mark>`)
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
 * stale query would still fetch is left unfetched). */
async function search(query, turn) {
  const asked = formsOf(query)
  const terms = analyse(subject(query))
  if (!terms.length) return { items: [] }
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
  const scores = new Map()  // document → score
  const matched = new Map()  // document → Set of query words
  for (const { word, stems } of resolved) {
    const best = new Map()  // a partial word counts once per document: its best stem
    for (const [, flat] of stems)
      for (let i = 0; i < flat.length; i += 2)
        best.set(flat[i], Math.max(best.get(flat[i]) || 0, flat[i + 1]))
    for (const [doc, score] of best) {
      scores.set(doc, (scores.get(doc) || 0) + score / meta.scale)
      if (!matched.has(doc)) matched.set(doc, new Set())
      matched.get(doc).add(word)
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
  const ranked = []
  for (const [number, score] of scores) {
    const type = meta.types[number]
    let weight = weights[type] ?? 1
    if (nameWeight && named.has(number) && meta.named.includes(type)) {
      const [shared, length] = named.get(number)
      weight *= 1 + nameWeight * shared / Math.max(length + resolved.length - shared, 1)
    }
    ranked.push([number, score * weight])
  }
  ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const best = ranked.slice(0, MAX_RESULTS)
  const docs = await Promise.all(best.map(([number]) => documentAt(number)))
  if (turn !== latest) return null
  const shownTexts = await Promise.all(best.slice(0, WITH_TEXT).map(([number]) => textOf(number)))
  const weighted = best.map(([, score], i) => ({ doc: docs[i], score, text: shownTexts[i] || "" }))

  const shown = resolved.flatMap(r => r.shown).filter(w => w.length)
  const pattern = shown.length
    ? new RegExp(`(^|[^\\p{L}\\p{N}_])(${shown.map(escapeRegExp).join("|")})`, "giu")
    : null
  const groups = new Map()
  for (const { doc, score, text } of weighted) {
    const page = doc.parent >= 0 ? await documentAt(doc.parent) : doc
    const words = matched.get(doc.number) || new Set()
    const item = {
      location: doc.location,
      title: highlight(doc.title, pattern, 1000),
      text: highlight(text, pattern),
      tags: doc.tags,
      score,
      terms: Object.fromEntries(terms.map(t => [t.word, words.has(t.word)]))
    }
    if (doc.parent >= 0) item.parent = { location: page.location, title: page.title }
    if (!groups.has(page.location)) groups.set(page.location, { page, items: [] })
    groups.get(page.location).items.push(item)
  }
  const items = []
  for (const { page, items: found } of groups.values()) {
    if (!found.some(item => item.location === page.location))
      found.push({ location: page.location, title: page.title, text: "", tags: page.tags, score: 0, terms: {} })
    items.push(found)
  }
  return { items }
}

let ready = null
let latest = 0

addEventListener("message", async ev => {
  const message = ev.data
  if (message.type === SETUP) {
    ready = fetchJSON("index.json").then(data => {
      meta = data
      stop = new Set(data.stop)
      shardKeys = new Set(data.shards)
      forms = (data.forms || []).map(form => ({ ...form, pattern: new RegExp(form.pattern, "i") }))
      if (data.syntax) syntax = new RegExp(data.syntax)
      fields = new Set(data.fields || [])
    })
    await ready
    postMessage({ type: READY })
  } else if (message.type === QUERY) {
    const turn = ++latest
    await ready
    let data
    try {
      data = await search(message.data, turn)
    } catch (error) {
      console.warn("accord search:", error)
      data = { items: [] }
    }
    if (data !== null && turn === latest) postMessage({ type: RESULT, data })
  }
})
