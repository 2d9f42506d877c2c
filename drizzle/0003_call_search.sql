-- Chinese full-text search: the application segments text with Intl.Segmenter into space-separated
-- words (calls.search_text); PostgreSQL's 'simple' configuration then indexes those words as they are.
CREATE INDEX "calls_search_idx" ON "calls" USING gin (to_tsvector('simple', "search_text"));
