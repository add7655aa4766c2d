//! The only I/O in this crate: turning a path (a file, a directory, a `.zip`, a `.gz` or
//! `.jsonl.gz`) into named byte buffers for [`crate::detect`] and [`crate::read`], with size
//! limits so that a compression bomb is an error rather than an exhausted machine.

use std::fs;
use std::io::{Read, Seek};
use std::path::Path;

use crate::FeedError;

/// Limits applied while walking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimits {
    /// The largest file accepted, after decompression, in bytes.
    pub max_file_bytes: u64,
    /// The most files (including archive members) visited in one walk.
    pub max_files: usize,
}

impl WalkLimits {
    /// 1 GiB per file, 1,000,000 files: enough for a full NVD or OSV mirror.
    pub const DEFAULT: WalkLimits = WalkLimits {
        max_file_bytes: 1 << 30,
        max_files: 1_000_000,
    };
}

/// One file found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// The path, with `!member` for an archive member and without a `.gz` suffix once
    /// decompressed (`feeds/osv.zip!GO-2020-0001.json`, `rustsec.osv.jsonl`).
    pub name: String,
    /// The (decompressed) content.
    pub bytes: Vec<u8>,
}

/// Visits every file below `path` in name order: plain files as they are, `.gz` files
/// decompressed, `.zip` members one by one (`.gz` members decompressed too). Hidden files
/// and directories (starting with `.`) and symbolic links to directories are skipped.
///
/// A file that cannot be read or decompressed, or that exceeds the limits, is passed to
/// `visit` as an error and the walk goes on; only a `path` that cannot be read at all, or
/// more files than [`WalkLimits::max_files`], ends the walk with an error.
pub fn walk(
    path: &Path,
    limits: &WalkLimits,
    visit: &mut dyn FnMut(Result<WalkedFile, FeedError>),
) -> Result<(), FeedError> {
    let metadata = fs::metadata(path).map_err(|source| io_error(path, source))?;
    let mut n_files = 0;
    if metadata.is_dir() {
        walk_dir(path, limits, &mut n_files, visit)
    } else {
        visit_file(path, limits, &mut n_files, visit)
    }
}

fn walk_dir(
    dir: &Path,
    limits: &WalkLimits,
    n_files: &mut usize,
    visit: &mut dyn FnMut(Result<WalkedFile, FeedError>),
) -> Result<(), FeedError> {
    let entries = fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(source) => visit(Err(io_error(dir, source))),
        }
    }
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(link_metadata) = fs::symlink_metadata(&path) else {
            continue;
        };
        if link_metadata.is_dir() {
            walk_dir(&path, limits, n_files, visit)?;
        } else if link_metadata.file_type().is_symlink() && path.is_dir() {
            continue;
        } else {
            visit_file(&path, limits, n_files, visit)?;
        }
    }
    Ok(())
}

fn visit_file(
    path: &Path,
    limits: &WalkLimits,
    n_files: &mut usize,
    visit: &mut dyn FnMut(Result<WalkedFile, FeedError>),
) -> Result<(), FeedError> {
    count(n_files, limits, path)?;
    let name = path.display().to_string();
    let bytes = match read_limited_file(path, limits) {
        Ok(bytes) => bytes,
        Err(err) => {
            visit(Err(err));
            return Ok(());
        }
    };
    if name.ends_with(".zip") {
        return walk_zip(&name, std::io::Cursor::new(bytes), limits, n_files, visit);
    }
    visit(decompress_if_gzip(name, bytes, limits));
    Ok(())
}

fn walk_zip<R: Read + Seek>(
    name: &str,
    reader: R,
    limits: &WalkLimits,
    n_files: &mut usize,
    visit: &mut dyn FnMut(Result<WalkedFile, FeedError>),
) -> Result<(), FeedError> {
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(archive) => archive,
        Err(err) => {
            visit(Err(FeedError::Archive {
                name: name.to_owned(),
                cause: err.to_string(),
            }));
            return Ok(());
        }
    };
    let mut members = Vec::with_capacity(archive.len());
    for idx in 0..archive.len() {
        match archive.by_index(idx) {
            Ok(member) if member.is_dir() => {}
            Ok(member) => members.push((member.name().to_owned(), idx)),
            Err(err) => visit(Err(FeedError::Archive {
                name: format!("{name}!#{idx}"),
                cause: err.to_string(),
            })),
        }
    }
    members.sort();
    for (member_name, idx) in members {
        let hidden = member_name
            .split('/')
            .any(|segment| segment.starts_with('.') || segment == "__MACOSX");
        if hidden {
            continue;
        }
        let full_name = format!("{name}!{member_name}");
        count(n_files, limits, Path::new(&full_name))?;
        let bytes = archive
            .by_index(idx)
            .map_err(|err| FeedError::Archive {
                name: full_name.clone(),
                cause: err.to_string(),
            })
            .and_then(|member| read_limited(member, &full_name, limits));
        match bytes {
            Ok(bytes) => visit(decompress_if_gzip(full_name, bytes, limits)),
            Err(err) => visit(Err(err)),
        }
    }
    Ok(())
}

fn count(n_files: &mut usize, limits: &WalkLimits, path: &Path) -> Result<(), FeedError> {
    *n_files += 1;
    if limits.max_files < *n_files {
        return Err(FeedError::TooLarge {
            name: path.display().to_string(),
            limit: limits.max_files as u64,
            unit: "files",
        });
    }
    Ok(())
}

fn read_limited_file(path: &Path, limits: &WalkLimits) -> Result<Vec<u8>, FeedError> {
    let file = fs::File::open(path).map_err(|source| io_error(path, source))?;
    read_limited(file, &path.display().to_string(), limits).map_err(|err| match err {
        FeedError::Archive { cause, .. } => io_error(path, std::io::Error::other(cause)),
        other => other,
    })
}

/// Reads at most the limit; one byte more means the input is too large.
fn read_limited(reader: impl Read, name: &str, limits: &WalkLimits) -> Result<Vec<u8>, FeedError> {
    let mut bytes = Vec::new();
    reader
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| FeedError::Archive {
            name: name.to_owned(),
            cause: err.to_string(),
        })?;
    if limits.max_file_bytes < bytes.len() as u64 {
        return Err(FeedError::TooLarge {
            name: name.to_owned(),
            limit: limits.max_file_bytes,
            unit: "bytes",
        });
    }
    Ok(bytes)
}

fn decompress_if_gzip(
    name: String,
    bytes: Vec<u8>,
    limits: &WalkLimits,
) -> Result<WalkedFile, FeedError> {
    let is_gzip = bytes.starts_with(&[0x1f, 0x8b]);
    if !is_gzip {
        return Ok(WalkedFile { name, bytes });
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes.as_slice());
    let decompressed = read_limited(decoder, &name, limits)?;
    let name = match name.strip_suffix(".gz") {
        Some(stem) => stem.to_owned(),
        None => name,
    };
    Ok(WalkedFile {
        name,
        bytes: decompressed,
    })
}

fn io_error(path: &Path, source: std::io::Error) -> FeedError {
    FeedError::Io {
        path: path.display().to_string(),
        source,
    }
}
