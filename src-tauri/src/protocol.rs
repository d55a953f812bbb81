//! `kpage://localhost/<copy>/<page>?w=<width>` serves a page of a copy as JPEG, and
//! `kpage://localhost/header/<copy>` its header crop: images load like any image in the
//! window, off the command channel, and the webview caches them.

use korrigo_app::Station;
use std::sync::Arc;
use tauri::http::{Request, Response, StatusCode};
use tauri::{Manager, UriSchemeContext, UriSchemeResponder, Wry};

pub fn serve(
    ctx: UriSchemeContext<'_, Wry>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let station = ctx.app_handle().state::<Arc<Station>>().inner().clone();
    std::thread::spawn(move || responder.respond(answer(&station, &request)));
}

fn answer(station: &Arc<Station>, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let uri = request.uri();
    let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let width = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("w=")))
        .and_then(|w| w.parse().ok())
        .unwrap_or(1200);
    let image = match parts.as_slice() {
        ["header", copy] => station.header_crop(copy),
        [copy, page] => match page.parse::<u32>() {
            Ok(n) => {
                let image = station.page_image(copy, n, width).map(|b| b.to_vec());
                station.prefetch(copy, &[n + 1, n + 2], width);
                image
            }
            Err(_) => Err(korrigo_core::Error::validation(format!("no page '{page}'"))),
        },
        _ => Err(korrigo_core::Error::not_found(format!("nothing at {uri}"))),
    };
    match image {
        Ok(bytes) => Response::builder()
            .header("Content-Type", "image/jpeg")
            .header("Cache-Control", "no-cache")
            .body(bytes),
        Err(e) => Response::builder()
            .status(match e.code {
                korrigo_core::ErrorCode::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            })
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(e.message.into_bytes()),
    }
    .unwrap_or_else(|_| Response::new(Vec::new()))
}
