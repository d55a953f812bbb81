-- Identification: the crop of a copy's name header (sha256 of a PNG in the media store),
-- kept for the review desk.
ALTER TABLE copy ADD COLUMN header_crop TEXT;
