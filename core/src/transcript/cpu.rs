//! Whether this CPU runs the speech engine. whisper.cpp is built for
//! x86-64-v3 (see `.cargo/config.toml`), not for the build machine: on a
//! CPU without those instructions the worker says so in words instead of
//! dying of an illegal instruction.

/// The instructions the engine was built to use that this CPU lacks.
pub fn missing() -> Vec<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut out = Vec::new();
        if !std::arch::is_x86_feature_detected!("avx") {
            out.push("AVX");
        }
        if !std::arch::is_x86_feature_detected!("avx2") {
            out.push("AVX2");
        }
        if !std::arch::is_x86_feature_detected!("fma") {
            out.push("FMA");
        }
        if !std::arch::is_x86_feature_detected!("f16c") {
            out.push("F16C");
        }
        if !std::arch::is_x86_feature_detected!("bmi2") {
            out.push("BMI2");
        }
        out
    }
    #[cfg(not(target_arch = "x86_64"))]
    Vec::new()
}

/// Why transcripts cannot run on this CPU, if they cannot.
pub fn unsupported() -> Option<String> {
    let missing = missing();
    (!missing.is_empty()).then(|| {
        format!(
            "this computer's processor lacks {} (found in Intel Core processors since 2013 and AMD since 2015), \
             which the speech engine needs: transcripts are off; everything else works",
            missing.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_machine_runs_the_engine() {
        // The build and test machines are x86-64-v3 or newer; a CPU
        // without it would fail here before any transcript test.
        assert_eq!(super::unsupported(), None);
    }
}
