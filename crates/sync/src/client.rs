//! The HTTP client of the sync API (`/api/v1/...`, JSON, bearer token). One method per
//! endpoint; no retry here (the loop retries whole syncs).
//!
//! Invariant: the token is held in memory only; it is sent in the `Authorization`
//! header and never logged or written anywhere.

use crate::http_error::{from_response, transport};
use korrigo_core::error::{Error, Result};
use korrigo_core::sync::{
    LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse, StationCursor,
};
use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How much of a media file the server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaStatus {
    pub received: u64,
    pub complete: bool,
}

/// A client of one server, authenticated by a token.
pub struct Client {
    base: String,
    token: String,
    http: Http,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn http() -> Result<Http> {
    Http::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(300))
        .user_agent(concat!("korrigo-station/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::internal(format!("cannot set up the HTTP client: {e}")))
}

/// The server's address without a trailing slash; refused unless http(s).
fn base_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
        return Err(Error::validation(format!(
            "'{url}' is not a server address: give it as https://host[:port]"
        )));
    }
    Ok(url.to_string())
}

fn send(url: &str, req: RequestBuilder) -> Result<Response> {
    let response = req.send().map_err(|e| transport(url, &e))?;
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(from_response(url, response))
    }
}

fn json<T: DeserializeOwned>(url: &str, response: Response) -> Result<T> {
    let text = response.text().map_err(|e| transport(url, &e))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::internal(format!(
            "{url}: the server's answer is not what this station expects ({e}); \
             is the server of the same Korrigo version?"
        ))
    })
}

/// Signs in to the server at `server_url` for this station.
pub fn login(
    server_url: &str,
    login: &str,
    password: &str,
    station_id: Option<&str>,
) -> Result<LoginResponse> {
    let base = base_url(server_url)?;
    let url = format!("{base}/api/v1/login");
    let req = LoginRequest {
        login: login.to_string(),
        password: password.to_string(),
        station_id: station_id.map(String::from),
    };
    let response = send(&url, http()?.post(&url).json(&req))?;
    json(&url, response)
}

impl Client {
    pub fn new(base_url_: &str, token: impl Into<String>) -> Result<Client> {
        Ok(Client {
            base: base_url(base_url_)?,
            token: token.into(),
            http: http()?,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get(&self, url: &str) -> RequestBuilder {
        self.http.get(url).bearer_auth(&self.token)
    }

    /// Ends the token's session on the server.
    pub fn logout(&self) -> Result<()> {
        let url = self.url("/api/v1/logout");
        send(&url, self.http.post(&url).bearer_auth(&self.token))?;
        Ok(())
    }

    /// What the server knows of this station: its epoch and the last seq it has.
    pub fn station_cursor(&self, station_id: &str) -> Result<StationCursor> {
        let url = self.url("/api/v1/sync/station");
        let response = send(&url, self.get(&url).query(&[("station_id", station_id)]))?;
        json(&url, response)
    }

    pub fn push(&self, request: &PushRequest) -> Result<PushResponse> {
        let url = self.url("/api/v1/sync/push");
        let response = send(
            &url,
            self.http.post(&url).bearer_auth(&self.token).json(request),
        )?;
        json(&url, response)
    }

    pub fn pull(&self, since: i64, limit: usize) -> Result<PullResponse> {
        let url = self.url("/api/v1/sync/pull");
        let response = send(
            &url,
            self.get(&url)
                .query(&[("since", since.to_string()), ("limit", limit.to_string())]),
        )?;
        json(&url, response)
    }

    pub fn media_status(&self, sha256: &str) -> Result<MediaStatus> {
        let url = self.url(&format!("/api/v1/media/{sha256}/status"));
        let response = send(&url, self.get(&url))?;
        json(&url, response)
    }

    /// Appends `chunk` at `offset` of the file of `total` bytes. A `409` (the server
    /// holds another length) answers with the server's status, to resume from there.
    pub fn put_media_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        chunk: Vec<u8>,
    ) -> Result<MediaStatus> {
        let url = self.url(&format!("/api/v1/media/{sha256}"));
        let response = self
            .http
            .put(&url)
            .bearer_auth(&self.token)
            .query(&[("offset", offset), ("total", total)])
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(chunk)
            .send()
            .map_err(|e| transport(&url, &e))?;
        if response.status() == reqwest::StatusCode::CONFLICT {
            let text = response.text().map_err(|e| transport(&url, &e))?;
            return serde_json::from_str(&text).map_err(|_| {
                Error::conflict(format!("{url}: the server refused the upload: {text}"))
            });
        }
        if !response.status().is_success() {
            return Err(from_response(&url, response));
        }
        json(&url, response)
    }

    /// The bytes of a media file, as a stream.
    pub fn get_media(&self, sha256: &str) -> Result<Response> {
        let url = self.url(&format!("/api/v1/media/{sha256}"));
        send(&url, self.get(&url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_is_http_or_https_without_a_trailing_slash() {
        assert_eq!(
            Client::new("https://korrigo.lycee.fr/", "t")
                .unwrap()
                .base_url(),
            "https://korrigo.lycee.fr"
        );
        assert_eq!(
            Client::new("http://127.0.0.1:8080", "t")
                .unwrap()
                .base_url(),
            "http://127.0.0.1:8080"
        );
        let err = Client::new("korrigo.lycee.fr", "t").unwrap_err();
        assert!(err.message.contains("https://host"), "{}", err.message);
    }

    #[test]
    fn an_unreachable_server_is_offline() {
        // A loopback port just freed: nobody listens, the connection is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::new(&format!("http://127.0.0.1:{port}"), "t").unwrap();
        let err = client.station_cursor("s").unwrap_err();
        assert_eq!(
            err.code,
            korrigo_core::ErrorCode::Offline,
            "{}",
            err.message
        );
        assert!(err.message.contains(&port.to_string()), "{}", err.message);
    }
}
