-- Full-text search (FTS5), written by hand: drizzle-kit does not model virtual tables.
-- Document passages: one row per ~1500-character passage; org_id and document_id filter and join.
CREATE VIRTUAL TABLE `documents_fts` USING fts5(`body`, `document_id` UNINDEXED, `org_id` UNINDEXED, `chunk` UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
-- Skills: org_id 0 marks the shipped system skills.
CREATE VIRTUAL TABLE `skills_fts` USING fts5(`name`, `summary`, `body`, `skill_id` UNINDEXED, `org_id` UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
