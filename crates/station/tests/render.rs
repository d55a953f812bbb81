//! A page renders as it is shown: an A4 page, upright, cut from its scan.

mod common;

use common::*;
use korrigo_fixtures::{Encoding, Mode};

/// Share of the columns (between 10 % and 90 % of the width) that have a dark pixel in
/// the band of rows `from..to` (fractions of the height): about 1 where a ruled line
/// crosses the page, as the header box's top edge does.
fn ruled(img: &image::GrayImage, from: f32, to: f32) -> f32 {
    let (w, h) = img.dimensions();
    let (y0, y1) = ((h as f32 * from) as u32, (h as f32 * to) as u32);
    let cols = (w / 10)..(w * 9 / 10);
    let n = cols.len() as f32;
    cols.filter(|&x| (y0..y1).any(|y| img.get_pixel(x, y)[0] < 100))
        .count() as f32
        / n
}

#[test]
fn pages_render_upright_at_a4_size() {
    let mut st = Station::new();
    let mut copies = plain(2);
    copies[1].upside_down = true;
    let mut spec = spec(Mode::A3, Encoding::CcittG4, 200, copies);
    spec.rotate270 = true;
    let (pdf, _) = write(&st, "b.pdf", &spec);
    st.import(&[&pdf]).unwrap();
    for copy in st.copies() {
        let out = st.path(&format!("{}-p1.png", copy.id));
        korrigo_station::page::render_to_png(&st.store, &copy.id, 1, 100, &out).unwrap();
        let img = image::open(&out).unwrap().to_luma8();
        let (w, h) = img.dimensions();
        assert!(
            (825..=829).contains(&w) && (1167..=1171).contains(&h),
            "{w}x{h}"
        );
        assert!(
            ruled(&img, 0.015, 0.06) > 0.95,
            "the header box crosses the top of page 1"
        );
        assert!(ruled(&img, 0.94, 0.985) < 0.5, "and not its bottom");
    }
    let copy = &st.copies()[0];
    let err = korrigo_station::page::render_to_png(&st.store, &copy.id, 9, 100, &st.path("x.png"))
        .unwrap_err();
    assert_eq!(err.code, korrigo_core::ErrorCode::NotFound);
    assert!(err.message.contains("page 9"));
}
