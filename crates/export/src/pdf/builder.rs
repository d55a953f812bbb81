//! One output PDF being assembled: scan pages that reuse the source's objects as they
//! are (one id map per source, so an image shared by two halves is written once and its
//! bytes never change), pages drawn from scratch, the font subset and graphics states
//! written at the end.

use super::draw::Canvas;
use super::font::{self, Font};
use super::geometry::{Frame, Rect};
use super::gstate::GStates;
use super::source::{SourcePage, SourcePdf};
use korrigo_core::{Error, Result};
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::HashMap;

/// A4 portrait in points.
pub const A4: (f64, f64) = (595.276, 841.89);

pub struct PdfBuilder {
    doc: Document,
    pages_id: ObjectId,
    font_id: ObjectId,
    font: Font,
    gstates: GStates,
    kids: Vec<ObjectId>,
    /// Source key → (source object id → output object id).
    maps: HashMap<String, HashMap<ObjectId, ObjectId>>,
    open_state: ObjectId,
    /// Resources of annotation appearance streams, filled at the end.
    appearance_resources: ObjectId,
    title: String,
}

impl std::fmt::Debug for PdfBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfBuilder")
            .field("pages", &self.kids.len())
            .finish()
    }
}

fn rect(r: Rect) -> Object {
    Object::Array(r.iter().map(|v| Object::Real(*v as f32)).collect())
}

fn content(ops: Vec<u8>) -> Result<Stream> {
    let mut s = Stream::new(Dictionary::new(), ops);
    s.compress()
        .map_err(|e| Error::internal(format!("cannot compress a page's content: {e}")))?;
    Ok(s)
}

impl PdfBuilder {
    pub fn new(title: &str) -> Result<PdfBuilder> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font_id = doc.new_object_id();
        let open_state = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let appearance_resources = doc.new_object_id();
        Ok(PdfBuilder {
            doc,
            pages_id,
            font_id,
            font: Font::new()?,
            gstates: GStates::default(),
            kids: Vec::new(),
            maps: HashMap::new(),
            open_state,
            appearance_resources,
            title: title.to_string(),
        })
    }

    pub fn page_count(&self) -> usize {
        self.kids.len()
    }

    /// Adds the view `frame` of a source page, with `draw` drawn over it.
    pub fn add_scan_page(
        &mut self,
        source_key: &str,
        source: &SourcePdf,
        page: &SourcePage,
        frame: Frame,
        draw: impl FnOnce(&mut Canvas<'_>),
    ) -> Result<ObjectId> {
        let mut map = self.maps.remove(source_key).unwrap_or_default();
        let resources = match &page.resources {
            Some(r) => match self.import(&source.doc, &mut map, r) {
                Object::Reference(id) => self.doc.get_dictionary(id).cloned().unwrap_or_default(),
                Object::Dictionary(d) => d,
                _ => Dictionary::new(),
            },
            None => Dictionary::new(),
        };
        let mut contents = vec![Object::Reference(self.open_state)];
        match page
            .contents
            .as_ref()
            .map(|c| self.import(&source.doc, &mut map, c))
        {
            Some(Object::Array(items)) => contents.extend(items),
            Some(c @ Object::Reference(_)) => contents.push(c),
            _ => {}
        }
        self.maps.insert(source_key.to_string(), map);

        let mut canvas = Canvas::new(frame, &mut self.font, &mut self.gstates);
        draw(&mut canvas);
        let mut ops = b"Q\n".to_vec();
        ops.extend(canvas.finish());
        contents.push(Object::Reference(self.doc.add_object(content(ops)?)));

        let mut dict = dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => rect(page.media),
            "CropBox" => rect(frame.crop),
            "Resources" => self.with_own_resources(resources),
            "Contents" => contents,
        };
        if frame.rotate != 0 {
            dict.set("Rotate", i64::from(frame.rotate));
        }
        Ok(self.push_page(dict))
    }

    /// Adds a page of `width` × `height` points drawn by `draw` alone.
    pub fn add_drawn_page(
        &mut self,
        width: f64,
        height: f64,
        extra_resources: Dictionary,
        draw: impl FnOnce(&mut Canvas<'_>),
    ) -> Result<ObjectId> {
        let frame = Frame::upright(width, height);
        let mut canvas = Canvas::new(frame, &mut self.font, &mut self.gstates);
        draw(&mut canvas);
        let ops = canvas.finish();
        let contents = self.doc.add_object(content(ops)?);
        let dict = dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => rect(frame.crop),
            "Resources" => self.with_own_resources(extra_resources),
            "Contents" => contents,
        };
        Ok(self.push_page(dict))
    }

    /// Adds an object of the file's own (an image, say).
    pub fn add_object(&mut self, object: impl Into<Object>) -> ObjectId {
        self.doc.add_object(object)
    }

    /// Attaches annotation dictionaries to a page already added.
    pub fn set_annotations(&mut self, page: ObjectId, annots: Vec<Dictionary>) {
        if annots.is_empty() {
            return;
        }
        let refs: Vec<Object> = annots
            .into_iter()
            .map(|mut a| {
                a.set("P", page);
                Object::Reference(self.doc.add_object(a))
            })
            .collect();
        if let Ok(Object::Dictionary(d)) = self.doc.get_object_mut(page) {
            d.set("Annots", refs);
        }
    }

    /// Draws into a form XObject in the user space of `frame` (an annotation's
    /// appearance), clipped to `bbox`.
    pub fn appearance(
        &mut self,
        frame: Frame,
        bbox: Rect,
        draw: impl FnOnce(&mut Canvas<'_>),
    ) -> Result<ObjectId> {
        let mut canvas = Canvas::new(frame, &mut self.font, &mut self.gstates);
        draw(&mut canvas);
        let mut form = content(canvas.finish())?;
        form.dict.set("Type", "XObject");
        form.dict.set("Subtype", "Form");
        form.dict.set("BBox", rect(bbox));
        form.dict.set("Resources", self.appearance_resources);
        Ok(self.doc.add_object(form))
    }

    /// Width of `text` at `size` points in the file's font.
    pub fn text_width(&self, text: &str, size: f64) -> f64 {
        self.font.width(text, size)
    }

    fn push_page(&mut self, dict: Dictionary) -> ObjectId {
        let id = self.doc.add_object(dict);
        self.kids.push(id);
        id
    }

    fn with_own_resources(&self, mut resources: Dictionary) -> Dictionary {
        let mut fonts = match resources.get(b"Font") {
            Ok(Object::Dictionary(d)) => d.clone(),
            Ok(Object::Reference(id)) => self.doc.get_dictionary(*id).cloned().unwrap_or_default(),
            _ => Dictionary::new(),
        };
        fonts.set(font::RESOURCE_NAME, self.font_id);
        resources.set("Font", fonts);
        resources
    }

    /// A deep copy of `object` of `src` into the output; objects already copied from the
    /// same source are reused. Links back into the page tree are cut.
    fn import(
        &mut self,
        src: &Document,
        map: &mut HashMap<ObjectId, ObjectId>,
        object: &Object,
    ) -> Object {
        match object {
            Object::Reference(id) => {
                if let Some(new) = map.get(id) {
                    return Object::Reference(*new);
                }
                let Ok(target) = src.get_object(*id) else {
                    return Object::Null;
                };
                if let Ok(d) = target.as_dict() {
                    if matches!(
                        d.get(b"Type").and_then(Object::as_name),
                        Ok(b"Page" | b"Pages")
                    ) {
                        return Object::Null;
                    }
                }
                let new = self.doc.new_object_id();
                map.insert(*id, new);
                let copied = self.import(src, map, target);
                self.doc.objects.insert(new, copied);
                Object::Reference(new)
            }
            Object::Array(items) => {
                Object::Array(items.iter().map(|o| self.import(src, map, o)).collect())
            }
            Object::Dictionary(d) => Object::Dictionary(self.import_dict(src, map, d)),
            Object::Stream(s) => {
                let mut dict = s.dict.clone();
                dict.remove(b"Length");
                let dict = self.import_dict(src, map, &dict);
                Object::Stream(Stream::new(dict, s.content.clone()))
            }
            other => other.clone(),
        }
    }

    fn import_dict(
        &mut self,
        src: &Document,
        map: &mut HashMap<ObjectId, ObjectId>,
        d: &Dictionary,
    ) -> Dictionary {
        let mut out = Dictionary::new();
        for (k, v) in d.iter() {
            if k.as_slice() == b"Parent" {
                continue;
            }
            out.set(k.clone(), self.import(src, map, v));
        }
        out
    }

    /// Writes the shared objects and the page tree, and returns the file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let states = self.gstates.write(&mut self.doc);
        if !states.is_empty() {
            for kid in &self.kids {
                let Ok(Object::Dictionary(page)) = self.doc.get_object_mut(*kid) else {
                    continue;
                };
                let Ok(Object::Dictionary(res)) = page.get_mut(b"Resources") else {
                    continue;
                };
                let mut ext = match res.get(b"ExtGState") {
                    Ok(Object::Dictionary(d)) => d.clone(),
                    _ => Dictionary::new(),
                };
                for (name, id) in &states {
                    ext.set(name.as_bytes().to_vec(), *id);
                }
                res.set("ExtGState", ext);
            }
        }
        let mut ext = Dictionary::new();
        for (name, id) in &states {
            ext.set(name.as_bytes().to_vec(), *id);
        }
        self.doc.objects.insert(
            self.appearance_resources,
            Object::Dictionary(dictionary! {
                "Font" => dictionary! { font::RESOURCE_NAME => self.font_id },
                "ExtGState" => ext,
            }),
        );
        let font = std::mem::replace(&mut self.font, Font::new()?);
        font.write(&mut self.doc, self.font_id)?;
        let count = self.kids.len() as i64;
        let kids: Vec<Object> = self.kids.iter().map(|k| Object::Reference(*k)).collect();
        self.doc.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
        );
        let catalog = self.doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
        });
        let info = self.doc.add_object(dictionary! {
            "Title" => Object::String(utf16_text(&self.title), StringFormat::Hexadecimal),
            "Producer" => Object::String(b"Korrigo Station".to_vec(), StringFormat::Literal),
        });
        self.doc.trailer.set("Root", catalog);
        self.doc.trailer.set("Info", info);
        let mut bytes = Vec::new();
        // Dictionaries go into compressed object streams: on a small bitonal scan the
        // file's own structure is otherwise a noticeable share of its size.
        let options = lopdf::SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .build();
        self.doc
            .save_with_options(&mut bytes, options)
            .map_err(|e| Error::internal(format!("cannot write the PDF: {e}")))?;
        Ok(bytes)
    }
}

/// A PDF text string in UTF-16BE with its byte order mark, for any Unicode text.
pub fn utf16_text(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        out.extend(u.to_be_bytes());
    }
    out
}
