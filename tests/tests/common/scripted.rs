//! A scripted HTTP/1.1 server on loopback, for what httpmock cannot do:
//! answer the same request differently each time, record when each request
//! arrived, and misbehave. Token requests (`/auth/token`) answer from a
//! script of their own ([`Scripted::start_with_tokens`]), then succeed.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub at: Instant,
    pub body: String,
    /// Header names lowercased, values as sent.
    pub headers: Vec<(String, String)>,
}

pub enum Reply {
    /// Status, extra headers, body.
    Http(u16, Vec<(&'static str, String)>, String),
    /// Close the connection after reading the request, answering nothing.
    Drop,
    /// Write these bytes as they are (a head and part of a body, say), then
    /// close the connection.
    Raw(Vec<u8>),
    /// A 200 with a chunked body that never ends: `chunk` every `every`,
    /// until the client goes away.
    Endless { chunk: Vec<u8>, every: std::time::Duration },
    /// Read the request and never answer.
    Hang,
}

pub fn ok(body: &str) -> Reply {
    Reply::Http(200, vec![], body.to_string())
}

pub fn status(code: u16) -> Reply {
    Reply::Http(code, vec![], String::new())
}

#[derive(Clone)]
pub struct Scripted {
    pub base_url: String,
    script: Arc<Mutex<VecDeque<Reply>>>,
    tokens: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    token_seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    /// A client of this server as a cloud instance (tenant `acme`), with no
    /// rate limit and `retry`.
    pub fn client(&self, retry: halo_api_ext::RetryPolicy) -> halo_api_ext::HaloClient {
        let mut c = halo_api_ext::HaloConfig::cloud(&self.base_url, "acme", "id", "secret-value");
        c.rate_limit = None;
        c.retry = retry;
        halo_api_ext::HaloClient::new(c).unwrap()
    }

    pub async fn start(script: Vec<Reply>) -> Self {
        Self::start_with_tokens(script, Vec::new()).await
    }

    /// As [`Scripted::start`]; token requests answer `tokens` first.
    pub async fn start_with_tokens(script: Vec<Reply>, tokens: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let s = Scripted {
            base_url,
            script: Arc::new(Mutex::new(script.into())),
            tokens: Arc::new(Mutex::new(tokens.into())),
            seen: Default::default(),
            token_seen: Default::default(),
        };
        let server = s.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    let (head_end, len) = loop {
                        let Ok(n) = sock.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                            let len = head
                                .lines()
                                .find_map(|l| {
                                    l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            break (i + 4, len);
                        }
                    };
                    while buf.len() < head_end + len {
                        let Ok(n) = sock.read(&mut chunk).await else { return };
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut first = head.lines().next().unwrap_or("").split(' ');
                    let method = first.next().unwrap_or("").to_string();
                    let path = first.next().unwrap_or("").to_string();
                    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
                    let headers = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let reply = if path.starts_with("/auth/token") {
                        server.token_seen.lock().unwrap().push(Seen {
                            method,
                            path,
                            at: Instant::now(),
                            body,
                            headers,
                        });
                        server.tokens.lock().unwrap().pop_front().unwrap_or(Reply::Http(
                            200,
                            vec![],
                            r#"{"access_token":"tok","expires_in":3600}"#.into(),
                        ))
                    } else {
                        server.seen.lock().unwrap().push(Seen { method, path, at: Instant::now(), body, headers });
                        server.script.lock().unwrap().pop_front().unwrap_or(Reply::Http(
                            599,
                            vec![],
                            "script ran out".into(),
                        ))
                    };
                    match reply {
                        Reply::Drop => drop(sock),
                        Reply::Raw(bytes) => {
                            let _ = sock.write_all(&bytes).await;
                            let _ = sock.shutdown().await;
                        }
                        Reply::Hang => {
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            drop(sock);
                        }
                        Reply::Endless { chunk, every } => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                            if sock.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                            framed.extend_from_slice(&chunk);
                            framed.extend_from_slice(b"\r\n");
                            while sock.write_all(&framed).await.is_ok() {
                                if !every.is_zero() {
                                    tokio::time::sleep(every).await;
                                }
                            }
                        }
                        Reply::Http(code, headers, body) => {
                            let mut out = format!(
                                "HTTP/1.1 {code} X\r\ncontent-length: {}\r\nconnection: close\r\ncontent-type: application/json\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                out.push_str(&format!("{k}: {v}\r\n"));
                            }
                            out.push_str("\r\n");
                            out.push_str(&body);
                            let _ = sock.write_all(out.as_bytes()).await;
                            let _ = sock.shutdown().await;
                        }
                    }
                });
            }
        });
        s
    }

    /// Requests received (token requests not counted).
    #[allow(dead_code)]
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Token requests received.
    pub fn token_requests(&self) -> Vec<Seen> {
        self.token_seen.lock().unwrap().clone()
    }
}
