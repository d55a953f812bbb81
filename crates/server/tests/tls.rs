//! HTTPS with rustls when the configuration names a certificate and key.

mod common;

use common::*;

#[tokio::test]
async fn the_server_speaks_https_with_the_configured_certificate() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let mut cfg = config(&db, &dir.path().join("data"));
    cfg.tls = Some(korrigo_server::config::TlsConfig {
        cert: cert_path,
        key: key_path,
    });
    let server = start(cfg).await;
    let port = server.addr.port();
    let trusted = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let r = trusted
        .get(format!("https://localhost:{port}/api/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Plain HTTP gets no answer, and a client that does not trust the certificate refuses it.
    assert!(
        reqwest::get(format!("http://localhost:{port}/api/health/live"))
            .await
            .is_err()
    );
    assert!(
        reqwest::get(format!("https://localhost:{port}/api/health/live"))
            .await
            .is_err()
    );
    server.stop().await;
    db.drop_now().await;
}
