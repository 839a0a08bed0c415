// Placeholder while the generator is written; replaced by the real module.
pub struct SampleOptions { pub rows: usize, pub seed: u64, pub faulty_rate: f64 }
pub struct SampleSummary { pub rows: usize, pub files: Vec<std::path::PathBuf> }
pub fn generate(_opts: &SampleOptions, _out_dir: &std::path::Path) -> crate::error::Result<SampleSummary> {
    Err(crate::error::Error::Usage("sample generator not yet built".into()))
}
