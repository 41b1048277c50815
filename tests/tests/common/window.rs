//! A Halo stand-in that enforces a rolling window exactly: more than
//! `requests` requests within any `per` answer 429 (with no Retry-After),
//! as hosted Halo is reported to. Everything else answers `body`. Counts
//! what it answered.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct Window {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    accepted: VecDeque<Instant>,
    ok: u64,
    too_many: u64,
}

impl Window {
    pub async fn start(requests: usize, per: Duration, body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let w = Window { base_url: format!("http://{}", listener.local_addr().unwrap()), state: Default::default() };
        let server = w.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        // One request at a time on a kept-alive connection.
                        let head_end = loop {
                            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                        let len = head
                            .to_ascii_lowercase()
                            .lines()
                            .find_map(|l| {
                                l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        while buf.len() < head_end + len {
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        buf.drain(..head_end + len);
                        let (code, body) = if head.starts_with("POST /auth/token") {
                            (200, r#"{"access_token":"tok","expires_in":3600}"#)
                        } else {
                            let mut s = server.state.lock().unwrap();
                            let now = Instant::now();
                            while s.accepted.front().is_some_and(|t| now.duration_since(*t) >= per) {
                                s.accepted.pop_front();
                            }
                            if s.accepted.len() < requests {
                                s.accepted.push_back(now);
                                s.ok += 1;
                                (200, body)
                            } else {
                                s.too_many += 1;
                                (429, "300 Requests per rolling 5 minute window")
                            }
                        };
                        let out = format!(
                            "HTTP/1.1 {code} X\r\ncontent-length: {}\r\ncontent-type: application/json\r\n\r\n{body}",
                            body.len()
                        );
                        if sock.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        w
    }

    /// (answered 200, answered 429)
    pub fn counts(&self) -> (u64, u64) {
        let s = self.state.lock().unwrap();
        (s.ok, s.too_many)
    }
}
