-- Identification: the crop of a copy's name header (sha256 of a JPEG in the media store),
-- kept for the review desk.
ALTER TABLE copy ADD COLUMN header_crop TEXT;
-- A copy whose writer is known not to be on the roster (set at the review desk).
ALTER TABLE copy ADD COLUMN unknown_writer INTEGER NOT NULL DEFAULT 0;
