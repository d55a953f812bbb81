//! The scanned PDFs that pages come from, read once per export, with each page's
//! attributes resolved through the page tree (MediaBox, CropBox, Rotate and Resources
//! may be inherited from a parent).

use super::geometry::Rect;
use korrigo_core::media::MediaStore;
use korrigo_core::{Error, Result};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Debug)]
pub struct SourcePdf {
    pub doc: Document,
    pages: BTreeMap<u32, ObjectId>,
    name: String,
}

/// One page of a source, as the output needs it.
#[derive(Debug, Clone)]
pub struct SourcePage {
    pub media: Rect,
    /// The box a viewer shows: the CropBox within the MediaBox.
    pub visible: Rect,
    pub rotate: i64,
    pub resources: Option<Object>,
    pub contents: Option<Object>,
}

impl SourcePdf {
    pub fn load(path: &Path) -> Result<SourcePdf> {
        let name = path.display().to_string();
        let doc = Document::load(path)
            .map_err(|e| Error::corrupt_input(format!("{name}: cannot be read: {e}")))?;
        let pages = doc.get_pages();
        Ok(SourcePdf { doc, pages, name })
    }

    /// Page `index` (0-based).
    pub fn page(&self, index: u32) -> Result<SourcePage> {
        let id = *self
            .pages
            .get(&(index + 1))
            .ok_or_else(|| Error::not_found(format!("{} has no page {}", self.name, index + 1)))?;
        let bad = |what: &str| {
            Error::corrupt_input(format!(
                "{}: page {} has no valid {what}",
                self.name,
                index + 1
            ))
        };
        let media = self
            .inherited(id, b"MediaBox")
            .and_then(|o| self.rect(o))
            .ok_or_else(|| bad("MediaBox"))?;
        let visible = self
            .inherited(id, b"CropBox")
            .and_then(|o| self.rect(o))
            .map_or(media, |c| intersect(c, media));
        let rotate = self
            .inherited(id, b"Rotate")
            .and_then(|o| self.resolve(o).as_i64().ok())
            .unwrap_or(0);
        let page = self.doc.get_dictionary(id).map_err(|_| bad("dictionary"))?;
        Ok(SourcePage {
            media,
            visible,
            rotate,
            resources: self.inherited(id, b"Resources").cloned(),
            contents: page.get(b"Contents").ok().cloned(),
        })
    }

    /// Whether page `index` shows only bitonal images (a CCITT or JBIG2 scan, say).
    pub fn is_bitonal(&self, index: u32) -> bool {
        let Ok(page) = self.page(index) else {
            return false;
        };
        let images = page
            .resources
            .as_ref()
            .and_then(|r| self.resolve(r).as_dict().ok())
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| self.resolve(x).as_dict().ok());
        let Some(images) = images else {
            return false;
        };
        let mut any = false;
        for (_, x) in images.iter() {
            let Ok(stream) = self.resolve(x).as_stream() else {
                return false;
            };
            let d = &stream.dict;
            if !matches!(d.get(b"Subtype").and_then(Object::as_name), Ok(b"Image")) {
                return false;
            }
            let mask = matches!(d.get(b"ImageMask"), Ok(Object::Boolean(true)));
            let one_bit = matches!(d.get(b"BitsPerComponent"), Ok(Object::Integer(1)));
            if !(mask || one_bit) {
                return false;
            }
            any = true;
        }
        any
    }

    fn resolve<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map_or(o, |(_, o)| o)
    }

    fn inherited(&self, page: ObjectId, key: &[u8]) -> Option<&Object> {
        let mut node: &Dictionary = self.doc.get_dictionary(page).ok()?;
        for _ in 0..64 {
            if let Ok(v) = node.get(key) {
                return Some(v);
            }
            let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
            node = self.doc.get_dictionary(parent).ok()?;
        }
        None
    }

    fn rect(&self, o: &Object) -> Option<Rect> {
        let a = self.resolve(o).as_array().ok()?;
        if a.len() != 4 {
            return None;
        }
        let mut v = [0.0; 4];
        for (slot, item) in v.iter_mut().zip(a) {
            *slot = match self.resolve(item) {
                Object::Integer(i) => *i as f64,
                Object::Real(r) => f64::from(*r),
                _ => return None,
            };
        }
        let r = [
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ];
        (r[2] > r[0] && r[3] > r[1]).then_some(r)
    }
}

fn intersect(a: Rect, b: Rect) -> Rect {
    let r = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    if r[2] > r[0] && r[3] > r[1] {
        r
    } else {
        b
    }
}

/// The sources an export reads, each loaded on first use and kept for the next copies.
#[derive(Debug)]
pub struct Sources<'m> {
    media: &'m MediaStore,
    loaded: HashMap<String, SourcePdf>,
}

impl<'m> Sources<'m> {
    pub fn new(media: &'m MediaStore) -> Sources<'m> {
        Sources {
            media,
            loaded: HashMap::new(),
        }
    }

    /// The source PDF stored under `sha256`.
    pub fn get(&mut self, sha256: &str) -> Result<&SourcePdf> {
        if !self.loaded.contains_key(sha256) {
            let path = self.media.path_of(sha256, "pdf");
            if !path.exists() {
                return Err(Error::not_found(format!(
                    "the scanned PDF {} is missing from the media store ({})",
                    &sha256[..12.min(sha256.len())],
                    path.display()
                )));
            }
            self.loaded
                .insert(sha256.to_string(), SourcePdf::load(&path)?);
        }
        Ok(&self.loaded[sha256])
    }

    pub fn path(&self, sha256: &str) -> std::path::PathBuf {
        self.media.path_of(sha256, "pdf")
    }
}
