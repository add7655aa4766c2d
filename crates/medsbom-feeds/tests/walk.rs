//! The walk helper: directories, `.gz`, `.zip`, hidden files, and the size limits against
//! compression bombs.

use std::io::Write;
use std::path::Path;

use medsbom_feeds::FeedError;
use medsbom_feeds::walk::{WalkLimits, WalkedFile, walk};

const OSV_LINE: &[u8] = br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z"}"#;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap_or_default();
    encoder.finish().unwrap_or_default()
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer
            .start_file(*name, options)
            .unwrap_or_else(|err| panic!("{err}"));
        writer
            .write_all(bytes)
            .unwrap_or_else(|err| panic!("{err}"));
    }
    writer
        .finish()
        .map(|cursor| cursor.into_inner())
        .unwrap_or_default()
}

fn walk_all(path: &Path, limits: &WalkLimits) -> (Vec<WalkedFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let res = walk(path, limits, &mut |file| match file {
        Ok(file) => files.push(file),
        Err(err) => errors.push(err.to_string()),
    });
    if let Err(err) = res {
        errors.push(format!("fatal: {err}"));
    }
    (files, errors)
}

fn relative(dir: &Path, name: &str) -> String {
    name.strip_prefix(&format!("{}/", dir.display()))
        .unwrap_or(name)
        .to_owned()
}

#[test]
fn walks_directories_gzip_and_zip() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temporary directory");
    };
    let root = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_default();
        }
        std::fs::write(path, bytes).unwrap_or_else(|err| panic!("{err}"));
    };
    write("a.json", OSV_LINE);
    write("sub/b.osv.jsonl.gz", &gzip(OSV_LINE));
    write(
        "c.zip",
        &zip(&[
            ("z/y.jsonl.gz", &gzip(OSV_LINE)),
            ("x.json", OSV_LINE),
            (".DS_Store", b"junk"),
            ("__MACOSX/x.json", b"junk"),
        ]),
    );
    write(".hidden/d.json", OSV_LINE);
    write(".e.json", OSV_LINE);
    write("broken.gz", b"\x1f\x8bnot really gzip");
    write("broken.zip", b"PK\x03\x04 not really zip");

    let (files, errors) = walk_all(root, &WalkLimits::DEFAULT);
    let names: Vec<String> = files.iter().map(|f| relative(root, &f.name)).collect();
    assert_eq!(
        names,
        [
            "a.json",
            "c.zip!x.json",
            "c.zip!z/y.jsonl",
            "sub/b.osv.jsonl"
        ]
    );
    assert!(files.iter().all(|f| f.bytes == OSV_LINE));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("cannot decompress "), "{errors:?}");
    assert!(errors[0].contains("broken.gz"), "{errors:?}");
    assert!(errors[1].contains("broken.zip"), "{errors:?}");

    // A single file can be walked too.
    let (files, errors) = walk_all(&root.join("sub/b.osv.jsonl.gz"), &WalkLimits::DEFAULT);
    assert!(errors.is_empty());
    assert_eq!(files.len(), 1);
    assert!(files[0].name.ends_with("sub/b.osv.jsonl"));

    let missing = walk(&root.join("missing"), &WalkLimits::DEFAULT, &mut |_| {});
    assert!(matches!(missing, Err(FeedError::Io { .. })));
}

#[test]
fn limits_stop_bombs_and_floods() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temporary directory");
    };
    let root = dir.path();
    let zeros = vec![0_u8; 4 << 20];
    std::fs::write(root.join("bomb.jsonl.gz"), gzip(&zeros)).unwrap_or_default();
    std::fs::write(root.join("bomb.zip"), zip(&[("inner.json", &zeros)])).unwrap_or_default();
    let limits = WalkLimits {
        max_file_bytes: 1 << 20,
        max_files: 100,
    };
    let (files, errors) = walk_all(root, &limits);
    assert!(files.is_empty());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|e| e.ends_with("exceeds the limit of 1048576 bytes")),
        "{errors:?}"
    );

    for idx in 0..5 {
        std::fs::write(root.join(format!("f{idx}.json")), OSV_LINE).unwrap_or_default();
    }
    let few = WalkLimits {
        max_file_bytes: 1 << 30,
        max_files: 3,
    };
    let (files, errors) = walk_all(root, &few);
    // Within the byte limit the two bombs are files; the zip itself counts as the third.
    assert_eq!(files.len(), 2);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("fatal: "), "{errors:?}");
    assert!(
        errors[0].ends_with("f0.json exceeds the limit of 3 files"),
        "{errors:?}"
    );
}
