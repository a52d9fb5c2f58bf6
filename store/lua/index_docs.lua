-- index_docs: file records already stored in the search index (the
-- migration that builds it for data written before it existed; see
-- search_lib.lua). A record whose text changed since Go read it is left
-- as it is: the write that changed it filed it.
-- KEYS[…] the search index's sets of the records' words, and the keys
-- their text is read from
-- ARGV[1] key prefix, ARGV[2] JSON {record: [SHA-1 of its text, its
-- words, its partner (contacts: '' otherwise)]}
-- Returns {'ok', how many records it filed}.
local prefix, n = ARGV[1], 0
for doc, p in pairs(cjson.decode(ARGV[2])) do
  local slug = p[3]
  if slug == '' then slug = nil end
  if redis.sha1hex(doc_text(prefix, doc, slug)) == p[1] then
    n = n + 1
    index_doc(prefix, doc, '||' .. p[2])
  end
end
return {'ok', n}
