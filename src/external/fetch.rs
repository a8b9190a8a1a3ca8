//! One link, asked over HTTP: HEAD first (no body to download), GET when the server does not
//! do HEAD, redirects followed one by one so that the first one's kind can be reported.

use std::time::Duration;

/// More hops than this is a loop, or as good as one.
const MAX_REDIRECTS: usize = 10;

/// What a URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status of the last answer, after the redirects; `None` when none came.
    pub status: Option<u16>,
    /// The status of the first redirect, when the URL redirects (301 and 308 are permanent).
    pub redirect: Option<u16>,
    /// Where the redirects lead, when the URL redirects.
    pub final_url: Option<String>,
    /// Why no answer came: a timeout, an unknown host, a refused connection.
    pub error: Option<String>,
}

impl Answer {
    /// Whether the link works (a redirect that ends in a page works, but is worth a warning).
    pub fn is_ok(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|status| status < 400)
    }
}

/// An HTTP client with the timeout of `[check]`.
pub(crate) struct Fetcher {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Fetcher {
    pub(crate) fn new(timeout: Duration) -> Fetcher {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            // Followed by hand, to see the first redirect's status.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(concat!("renkei-link-check/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Fetcher { agent, timeout }
    }

    /// Asks for `url` (without its fragment), following redirects.
    pub(crate) fn fetch(&self, url: &str) -> Answer {
        let mut current = url.to_owned();
        let mut redirect = None;
        for _ in 0..=MAX_REDIRECTS {
            let (status, location) = match self.status_of(&current) {
                Ok(answer) => answer,
                Err(error) => {
                    return Answer {
                        status: None,
                        redirect,
                        final_url: (current != url).then_some(current),
                        error: Some(self.describe(&error)),
                    };
                }
            };
            match location.filter(|_| is_redirect(status)) {
                Some(location) => {
                    redirect.get_or_insert(status);
                    current = join(&current, &location);
                }
                None => {
                    let final_url = (current != url).then_some(current);
                    return Answer { status: Some(status), redirect, final_url, error: None };
                }
            }
        }
        Answer {
            status: None,
            redirect,
            final_url: Some(current),
            error: Some(format!("more than {MAX_REDIRECTS} redirects")),
        }
    }

    /// The status and `Location` of one request: HEAD, or GET when HEAD is refused.
    fn status_of(&self, url: &str) -> Result<(u16, Option<String>), ureq::Error> {
        let url = request_form(url);
        let response = self.agent.head(&url).call()?;
        let response = match response.status().as_u16() {
            // "Method Not Allowed", "Not Implemented": some servers only answer GET.
            405 | 501 => self.agent.get(&url).call()?,
            _ => response,
        };
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok((response.status().as_u16(), location))
    }

    fn describe(&self, error: &ureq::Error) -> String {
        match error {
            ureq::Error::Timeout(_) => {
                format!("no answer within {} s (timed out)", self.timeout.as_secs())
            }
            ureq::Error::HostNotFound => "the host was not found (DNS)".to_owned(),
            // The system's resolver failing (no such name, or no answer from the DNS server)
            // comes as an I/O error with the standard library's wording, not as HostNotFound.
            ureq::Error::Io(io) if lookup_failure(io).is_some() => {
                format!("the host was not found (DNS: {})", lookup_failure(io).unwrap_or_default())
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "the connection was refused".to_owned()
            }
            other => other.to_string(),
        }
    }
}

/// The resolver's reason when `error` is a failed host lookup (`Name or service not known`).
fn lookup_failure(error: &std::io::Error) -> Option<String> {
    let text = error.to_string();
    text.strip_prefix("failed to lookup address information: ").map(str::to_owned)
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether a redirect status means the link should be updated.
pub fn is_permanent(status: u16) -> bool {
    matches!(status, 301 | 308)
}

/// The URL a `Location` header leads to from `base`: absolute, scheme-relative, absolute path
/// or relative path.
fn join(base: &str, location: &str) -> String {
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let origin_end =
        base[scheme_end..].find(['/', '?', '#']).map_or(base.len(), |at| scheme_end + at);
    if location.contains("://") {
        location.to_owned()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}{rest}", &base[..scheme_end])
    } else if location.starts_with('/') {
        format!("{}{location}", &base[..origin_end])
    } else {
        let path = &base[..base.find(['?', '#']).unwrap_or(base.len())];
        let folder = path.rfind('/').filter(|&at| at >= origin_end).map_or(path.len(), |at| at);
        format!("{}/{location}", &path[..folder])
    }
}

/// The URL as a request line needs it: Japanese paths and spaces percent-encoded.
fn request_form(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for character in url.chars() {
        if character.is_ascii() && character != ' ' {
            out.push(character);
        } else {
            let mut bytes = [0; 4];
            for byte in character.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_join_like_a_browser() {
        let base = "https://example.jp/a/b?q=1";
        assert_eq!(join(base, "https://other.jp/x"), "https://other.jp/x");
        assert_eq!(join(base, "//other.jp/x"), "https://other.jp/x");
        assert_eq!(join(base, "/x"), "https://example.jp/x");
        assert_eq!(join(base, "c"), "https://example.jp/a/c");
        assert_eq!(join("https://example.jp", "c"), "https://example.jp/c");
    }

    #[test]
    fn japanese_and_spaces_are_encoded_for_the_request() {
        assert_eq!(
            request_form("https://example.jp/お知らせ/a b"),
            "https://example.jp/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/a%20b"
        );
    }
}
