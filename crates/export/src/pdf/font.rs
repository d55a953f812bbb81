//! The one font of exported PDFs: DejaVu Sans (embedded in the binary, Bitstream Vera
//! licence), written as a subset holding only the glyphs the file uses, as a CID font
//! with a ToUnicode map so that text can be searched and copied.
//!
//! Glyph ids are remapped the first time a character is shown and never change after,
//! so content streams can be written before the subset is made at the end.

use korrigo_core::{Error, Result};
use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Name of the font in every page's resources.
pub const RESOURCE_NAME: &str = "KgF0";

pub struct Font {
    face: Face<'static>,
    remapper: GlyphRemapper,
    /// New glyph id → (its advance in 1/1000 em, the text it stands for).
    used: BTreeMap<u16, (u32, String)>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("glyphs", &self.used.len())
            .finish()
    }
}

impl Font {
    pub fn new() -> Result<Font> {
        let face = Face::parse(DEJAVU_SANS, 0)
            .map_err(|e| Error::internal(format!("the embedded font cannot be read: {e}")))?;
        Ok(Font {
            face,
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
        })
    }

    fn units(&self) -> f64 {
        f64::from(self.face.units_per_em())
    }

    fn glyph(&self, c: char) -> GlyphId {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .unwrap_or(GlyphId(0))
    }

    fn advance(&self, g: GlyphId) -> f64 {
        f64::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * 1000.0 / self.units()
    }

    /// Width of `text` set at `size` points.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        text.chars()
            .filter(|c| !c.is_control())
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f64>()
            * size
            / 1000.0
    }

    /// Height above the baseline of capital letters, as a share of the size.
    pub fn cap_height(&self) -> f64 {
        f64::from(self.face.capital_height().unwrap_or(1493)) / self.units()
    }

    /// `text` as a hex string of the subset's glyph ids, for `Tj`.
    pub fn encode(&mut self, text: &str) -> String {
        let mut hex = String::with_capacity(2 + 4 * text.len());
        hex.push('<');
        for c in text.chars().filter(|c| !c.is_control()) {
            let g = self.glyph(c);
            let new = self.remapper.remap(g.0);
            let advance = self.advance(g).round() as u32;
            self.used
                .entry(new)
                .or_insert_with(|| (advance, c.to_string()));
            let _ = write!(hex, "{new:04X}");
        }
        hex.push('>');
        hex
    }

    /// Writes the font objects under the id `font_id` that pages already refer to.
    pub fn write(self, doc: &mut Document, font_id: ObjectId) -> Result<()> {
        let data = subsetter::subset(DEJAVU_SANS, 0, &self.remapper)
            .map_err(|e| Error::internal(format!("the font subset cannot be made: {e}")))?;
        let units = self.units();
        let scale = |v: i16| (f64::from(v) * 1000.0 / units).round() as i64;
        let bbox = self.face.global_bounding_box();
        let name = format!("{}+DejaVuSans", subset_tag(&self.used));

        let mut file = Stream::new(dictionary! { "Length1" => data.len() as i64 }, data);
        file.compress()
            .map_err(|e| Error::internal(format!("cannot compress the font: {e}")))?;
        let file_id = doc.add_object(file);
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(name.clone().into_bytes()),
            "Flags" => 32,
            "FontBBox" => vec![scale(bbox.x_min).into(), scale(bbox.y_min).into(), scale(bbox.x_max).into(), scale(bbox.y_max).into()],
            "ItalicAngle" => 0,
            "Ascent" => scale(self.face.ascender()),
            "Descent" => scale(self.face.descender()),
            "CapHeight" => scale(self.face.capital_height().unwrap_or(1493)),
            "StemV" => 80,
            "FontFile2" => file_id,
        });
        // Runs of consecutive ids share one array: `[1 [603 613 635] 7 [337]]`.
        let mut widths = Vec::new();
        let mut run: Vec<Object> = Vec::new();
        let mut expected = None;
        for (gid, (advance, _)) in &self.used {
            if expected != Some(*gid) {
                if !run.is_empty() {
                    widths.push(Object::Array(std::mem::take(&mut run)));
                }
                widths.push(Object::Integer(i64::from(*gid)));
            }
            run.push(Object::Integer(i64::from(*advance)));
            expected = gid.checked_add(1);
        }
        if !run.is_empty() {
            widths.push(Object::Array(run));
        }
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => Object::Name(name.clone().into_bytes()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => widths,
            "CIDToGIDMap" => "Identity",
        });
        let mut cmap = Stream::new(dictionary! {}, to_unicode(&self.used).into_bytes());
        cmap.compress()
            .map_err(|e| Error::internal(format!("cannot compress the font's map: {e}")))?;
        let cmap_id = doc.add_object(cmap);
        doc.objects.insert(
            font_id,
            Object::Dictionary(dictionary! {
                "Type" => "Font",
                "Subtype" => "Type0",
                "BaseFont" => Object::Name(name.into_bytes()),
                "Encoding" => "Identity-H",
                "DescendantFonts" => vec![Object::Reference(descendant)],
                "ToUnicode" => cmap_id,
            }),
        );
        Ok(())
    }
}

/// Six capitals that name the subset, from the glyphs it holds (PDF §9.6.4).
fn subset_tag(used: &BTreeMap<u16, (u32, String)>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (gid, (_, text)) in used {
        for b in gid.to_be_bytes().iter().chain(text.as_bytes()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

fn to_unicode(used: &BTreeMap<u16, (u32, String)>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, (_, text)) in chunk {
            let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(s, "<{gid:04X}> <{utf16}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_ids_are_given_once_in_order_of_first_use() {
        let mut font = Font::new().unwrap();
        assert_eq!(font.encode("aba"), "<000100020001>");
        assert_eq!(font.encode("é"), "<0003>");
        assert_eq!(font.used.len(), 3);
        assert_eq!(font.used[&3].1, "é");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        let font = Font::new().unwrap();
        let w = font.width("MMMM", 10.0);
        assert!((w - 4.0 * font.width("M", 10.0)).abs() < 1e-9);
        assert!(font.width("i", 10.0) < font.width("M", 10.0));
    }

    #[test]
    fn the_subset_is_small_and_maps_back_to_unicode() {
        let mut font = Font::new().unwrap();
        font.encode("Relevé de notes : 12,5 / 20");
        let mut doc = Document::with_version("1.7");
        let id = doc.new_object_id();
        font.write(&mut doc, id).unwrap();
        let size: usize = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .map(|s| s.content.len())
            .sum();
        assert!(size < 40_000, "{size} bytes of font");
        let cmap = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .find_map(|s| {
                let text = String::from_utf8(s.decompressed_content().ok()?).ok()?;
                text.contains("beginbfchar").then_some(text)
            })
            .unwrap();
        assert!(cmap.contains("<00E9>"), "é maps back to U+00E9");
    }
}
