//! Turning what went wrong on the wire into the one error shape: an unreachable or
//! silent server is `offline` (retry later), a server's `{code, message}` is kept as it
//! came, any other answer is named with its HTTP status.

use korrigo_core::error::{Error, ErrorCode};
use reqwest::blocking::Response;
use reqwest::StatusCode;

/// A transport failure: `offline` when the server could not be reached or answered too
/// late, `internal` otherwise.
pub(crate) fn transport(url: &str, e: &reqwest::Error) -> Error {
    if e.is_connect() || e.is_timeout() || e.is_request() {
        Error::new(
            ErrorCode::Offline,
            format!("cannot reach the server at {url}: {e}"),
        )
    } else {
        Error::internal(format!("talking to the server at {url} failed: {e}"))
    }
}

/// The error an unsuccessful answer stands for.
pub(crate) fn from_response(url: &str, response: Response) -> Error {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let body = response.text().unwrap_or_default();
    from_parts(url, status, retry_after.as_deref(), &body)
}

pub(crate) fn from_parts(
    url: &str,
    status: StatusCode,
    retry_after: Option<&str>,
    body: &str,
) -> Error {
    let mut err = match serde_json::from_str::<Error>(body) {
        Ok(e) => e,
        Err(_) => {
            let code = match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ErrorCode::Unauthorized,
                StatusCode::NOT_FOUND => ErrorCode::NotFound,
                StatusCode::CONFLICT => ErrorCode::Conflict,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => ErrorCode::Validation,
                _ => ErrorCode::Internal,
            };
            let text = body.trim();
            Error::new(
                code,
                if text.is_empty() {
                    format!("the server answered {status}")
                } else {
                    format!("the server answered {status}: {}", truncate(text))
                },
            )
        }
    };
    if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
        // Transient: the same request goes again later.
        err.code = if status == StatusCode::SERVICE_UNAVAILABLE {
            ErrorCode::Offline
        } else {
            err.code
        };
        if let Some(s) = retry_after {
            err.message = format!("{} (retry after {s} s)", err.message);
        }
    }
    err.message = format!("{url}: {}", err.message);
    err
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_error_is_kept_and_other_answers_are_named_by_status() {
        let e = from_parts(
            "http://s/api/v1/login",
            StatusCode::UNAUTHORIZED,
            None,
            r#"{"code":"unauthorized","message":"wrong login or password"}"#,
        );
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert_eq!(e.message, "http://s/api/v1/login: wrong login or password");

        let e = from_parts("u", StatusCode::SERVICE_UNAVAILABLE, Some("5"), "busy");
        assert_eq!(e.code, ErrorCode::Offline);
        assert!(e.message.contains("retry after 5 s"), "{}", e.message);

        let e = from_parts(
            "u",
            StatusCode::TOO_MANY_REQUESTS,
            Some("30"),
            r#"{"code":"unauthorized","message":"too many attempts"}"#,
        );
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(e.message.ends_with("too many attempts (retry after 30 s)"));

        let e = from_parts("u", StatusCode::BAD_GATEWAY, None, "");
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("502"), "{}", e.message);
    }
}
