fn main() {
    use sha2::Digest;
    let data: Vec<u8> = (0..575_000u32)
        .map(|i| b"abcdefghij\"{}[],:0123456789"[(i as usize * 7 + i as usize / 13) % 27])
        .collect();
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let _ = hex::encode(sha2::Sha256::digest(&data));
    }
    println!("sha256 575KB: {:?}", t.elapsed() / 10);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let _ = zstd::bulk::compress(&data, 3).unwrap();
    }
    println!("zstd3 575KB: {:?}", t.elapsed() / 10);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let _ = zstd::bulk::compress(&data, 1).unwrap();
    }
    println!("zstd1 575KB: {:?}", t.elapsed() / 10);
}
