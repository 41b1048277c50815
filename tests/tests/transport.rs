//! Transport: rustls with certificate validation on; plain http only for
//! loopback or an explicit opt-in that shows in Debug.

use halo_api_ext::{HaloClient, HaloConfig, HaloError};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::AsyncReadExt as _;

/// A TLS server on loopback with a self-signed certificate for `localhost`:
/// what an attacker in the middle would present. Counts the bytes it could
/// decrypt (none, if the client refuses the certificate).
async fn self_signed_server() -> (u16, Arc<AtomicUsize>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let decrypted = Arc::new(AtomicUsize::new(0));
    let count = decrypted.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (acceptor, count) = (acceptor.clone(), count.clone());
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(sock).await {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = tls.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        count.fetch_add(n, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (port, decrypted)
}

#[tokio::test]
async fn a_certificate_that_does_not_validate_is_refused_before_the_secret_is_sent() {
    let (port, decrypted) = self_signed_server().await;
    let mut c = HaloConfig::cloud(&format!("https://localhost:{port}"), "acme", "client-1", "tls-secret-value");
    c.rate_limit = None;
    c.retry = halo_api_ext::RetryPolicy::none();
    let err = HaloClient::new(c).unwrap().get_ticket(1).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, HaloError::Auth { .. } | HaloError::Transport { .. }), "{err:?}");
    assert!(text.to_lowercase().contains("certificate"), "the error says why: {text}");
    assert!(!text.contains("tls-secret-value"));
    assert_eq!(decrypted.load(Ordering::SeqCst), 0, "nothing, the token request included, reached the server");
}

#[test]
fn plain_http_only_for_loopback_or_an_opt_in_shown_in_debug() {
    let http = |host: &str, opt_in: bool| {
        let mut c = HaloConfig::cloud(host, "acme", "id", "secret");
        c.allow_insecure_http = opt_in;
        HaloClient::new(c)
    };
    let err = http("http://halo.example.com", false).unwrap_err();
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
    let loopback = http("http://127.0.0.1:9", false).unwrap();
    assert!(format!("{loopback:?}").contains("allow_insecure_http: false"));
    let opted_in = http("http://halo.lan", true).unwrap();
    assert!(format!("{opted_in:?}").contains("allow_insecure_http: true"), "{opted_in:?}");
    let https = http("halo.example.com", false).unwrap();
    assert_eq!(https.api_base().scheme(), "https", "a bare host means https");
}

/// rustls is the only TLS stack: no OpenSSL or native-tls anywhere in the
/// dependency graph of the workspace.
#[test]
fn the_only_tls_stack_is_rustls() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
    let names: Vec<&str> = lock.lines().filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"')).collect();
    assert!(names.contains(&"rustls"));
    for banned in ["openssl", "openssl-sys", "native-tls", "hyper-tls", "tokio-native-tls"] {
        assert!(!names.contains(&banned), "{banned} is in Cargo.lock");
    }
}
