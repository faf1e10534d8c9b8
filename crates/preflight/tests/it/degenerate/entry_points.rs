//! The tests: every entry point over the degenerate sizes (the helpers are in mod.rs).

use super::*;

#[test]
fn check_and_fix_png_degenerate_sizes() {
    pipeline_grid(&[Format::PngRgb, Format::PngGrey]);
}

#[test]
fn check_and_fix_jpeg_degenerate_sizes() {
    pipeline_grid(&[Format::Jpeg420, Format::JpegGrey, Format::JpegRotated]);
}

#[test]
fn past_the_side_limit_is_bad_dimensions_everywhere() {
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut scratch = Scratch::new();
    for &format in &FORMATS {
        for &(w, h) in OVER {
            let data = encode(format, w, h, 7);
            let label = format!("{format:?} {w}x{h}");
            runs += 1;
            let p = guarded(&format!("probe {label}"), &mut failures, || {
                probe(&data, &Limits::default()).map(|_| ())
            });
            if let Some(p) = p {
                let kind = p.as_ref().err().map(|e| e.kind());
                expect(
                    &label,
                    &mut failures,
                    kind == Some(ErrorKind::BadDimensions),
                    ("probe", kind),
                );
            }
            for class in CLASSES {
                let policy = Policy::for_class(class);
                let r = guarded(&format!("check {label}"), &mut failures, || {
                    check(&data, "over", &policy, &mut scratch)
                });
                let f = guarded(&format!("fix {label}"), &mut failures, || {
                    fix(&data, "over", &policy, &mut scratch)
                });
                for r in r.iter().chain(f.as_ref().map(|f| &f.report)) {
                    let code = r.error.as_ref().map(|e| e.code);
                    expect(&label, &mut failures, code == Some("bad_dimensions"), code);
                }
                if let Some(f) = f {
                    expect(&label, &mut failures, f.jpeg.is_none(), "an output");
                }
            }
        }
    }
    fail_on(failures, runs);
}

#[test]
fn probe_reads_every_degenerate_size() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for &format in &FORMATS {
        for (i, &(w, h)) in SIZES.iter().enumerate() {
            let data = encode(format, w, h, i as u64);
            let label = format!("probe {format:?} {w}x{h}");
            runs += 1;
            let Some(p) = guarded(&label, &mut failures, || probe(&data, &Limits::default()))
            else {
                continue;
            };
            match p {
                Ok(p) => {
                    let got = (p.upright_size(), p.truncated, p.trailing_bytes);
                    expect(&label, &mut failures, got == ((w, h), false, 0), got);
                }
                Err(e) => failures.push(format!("{label}: {e}")),
            }
        }
    }
    fail_on(failures, runs);
}

/// A package whose every image has one degenerate size (each role its own pixels, so
/// duplicates do not hide anything), for both document classes and every profile: a report
/// per image and no zip, since no ID side of these sizes can be compliant.
#[test]
fn package_of_degenerate_images_is_rejected_with_a_report_per_image() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for format in [Format::PngRgb, Format::Jpeg420] {
        for &(w, h) in SIZES {
            let images: Vec<PackageInput> =
                [Role::Selfie, Role::IdFront, Role::IdBack, Role::Liveness]
                    .into_iter()
                    .enumerate()
                    .map(|(k, role)| PackageInput {
                        role,
                        path: format!("{}.img", role.as_str()),
                        data: encode(format, w, h, 100 + k as u64),
                    })
                    .collect();
            for id_type in ["NATIONAL_ID", "PASSPORT"] {
                for profile in PROFILES {
                    let label = format!("package {format:?} {w}x{h} {id_type} {profile}");
                    runs += 1;
                    let request = PackageRequest {
                        id_info: IdInfo {
                            country: "NG".into(),
                            id_type: Some(id_type.into()),
                        },
                        images: images.clone(),
                        inline: false,
                        use_enrolled_image: false,
                        partner: None,
                        file_name: "job.zip".into(),
                    };
                    let template = Policy::with_profile(DocumentClass::IdCard, profile).unwrap();
                    let Some(result) =
                        guarded(&label, &mut failures, || package(&request, &template))
                    else {
                        continue;
                    };
                    let pkg = match result {
                        Ok(pkg) => pkg,
                        Err(e) => {
                            failures.push(format!("{label}: {e}"));
                            continue;
                        }
                    };
                    expect(
                        &label,
                        &mut failures,
                        pkg.images.len() == 4,
                        pkg.images.len(),
                    );
                    expect(&label, &mut failures, pkg.zip.is_none(), "a zip");
                    expect(
                        &label,
                        &mut failures,
                        pkg.verdict == Verdict::Reject,
                        pkg.verdict,
                    );
                    for image in &pkg.images {
                        let class = image.role.class(Some(id_type));
                        let l = format!("{label} {}", image.role.as_str());
                        failures.extend(check_report(&l, &image.report, (w, h), class));
                    }
                }
            }
        }
    }
    fail_on(failures, runs);
}

/// An upload zip holding degenerate images (JPEG, and PNG under a .jpg name): each listed
/// image gets its check report, none of them an `internal_error`.
#[test]
fn validate_zip_checks_degenerate_images() {
    use crate::fixtures::{info, zip_of};
    use serde_json::json;
    let mut failures = Vec::new();
    let mut runs = 0;
    for format in [Format::Jpeg420, Format::JpegGrey, Format::PngRgb] {
        for &(w, h) in SIZES {
            let entries = vec![
                (
                    "info.json",
                    info(json!([
                        {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
                        {"image_type_id": 1, "image": "", "file_name": "id_front.jpg"},
                        {"image_type_id": 5, "image": "", "file_name": "id_back.jpg"},
                        {"image_type_id": 4, "image": "", "file_name": "liveness_1.jpg"},
                    ])),
                ),
                ("selfie.jpg", encode(format, w, h, 1)),
                ("id_front.jpg", encode(format, w, h, 2)),
                ("id_back.jpg", encode(format, w, h, 3)),
                ("liveness_1.jpg", encode(format, w, h, 4)),
            ];
            let zip = zip_of(&entries);
            for profile in PROFILES {
                let label = format!("validate_zip {format:?} {w}x{h} {profile}");
                runs += 1;
                let template = Policy::with_profile(DocumentClass::IdCard, profile).unwrap();
                let Some(v) = guarded(&label, &mut failures, || {
                    validate_zip(&zip, "job.zip", &template, &ZipLimits::default())
                }) else {
                    continue;
                };
                expect(&label, &mut failures, v.images.len() == 4, v.images.len());
                // Valid exactly when the service would answer with no code.
                expect(
                    &label,
                    &mut failures,
                    v.valid == v.code.is_none(),
                    (&v.code, &v.message),
                );
                for image in &v.images {
                    let class = image.role.class(Some("NATIONAL_ID"));
                    let l = format!("{label} {}", image.entry);
                    failures.extend(check_report(&l, &image.report, (w, h), class));
                }
            }
        }
    }
    fail_on(failures, runs);
}

/// The batch path: files on disk, `expand`, `check_all` on two threads with annotated PNGs
/// (which draw on the upright image's edges).
#[test]
fn check_all_with_annotations_over_degenerate_files() {
    let dir = tempfile::tempdir().unwrap();
    let annotated = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for format in [Format::Jpeg420, Format::PngRgb, Format::JpegRotated] {
        for (i, &(w, h)) in SIZES.iter().enumerate() {
            let ext = if matches!(format, Format::PngRgb) {
                "png"
            } else {
                "jpg"
            };
            let name = format!("{format:?}-{i:02}-{w}x{h}.{ext}");
            std::fs::write(dir.path().join(&name), encode(format, w, h, i as u64)).unwrap();
            expected.push((name, (w, h)));
        }
    }
    expected.sort();
    for class in CLASSES {
        let policy = Policy::for_class(class);
        let sources = expand(&[dir.path().to_path_buf()], &policy.limits);
        assert_eq!(sources.len(), expected.len());
        let mut reports = Vec::new();
        let mut failures = Vec::new();
        let ran = guarded(
            &format!("check_all {}", class.as_str()),
            &mut failures,
            || {
                check_all(&sources, &policy, 2, Some(annotated.path()), |i, r| {
                    reports.push((i, r))
                })
            },
        );
        expect(
            "check_all",
            &mut failures,
            matches!(ran, Some(Ok(()))),
            &ran,
        );
        assert_eq!(reports.len(), expected.len());
        for ((i, r), (name, size)) in reports.iter().zip(&expected) {
            let label = format!("check_all {} #{i} {name}", class.as_str());
            failures.extend(check_report(&label, r, *size, class));
        }
        let pngs = std::fs::read_dir(annotated.path()).unwrap().count();
        expect("annotations", &mut failures, pngs == expected.len(), pngs);
        fail_on(failures, reports.len());
    }
}
