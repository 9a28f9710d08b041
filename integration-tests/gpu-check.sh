#!/usr/bin/env bash
# The CUDA path's one prepared check (issue 14): exports shape B (Qwen2.5-0.5B-like, random weights) in fp16, runs
# greedy decoding on the CPU as the reference, feeds the same tokens to the GPU and compares its choice at every
# position (equal, or a near-tie in the CPU's logits: dev.titans4j.bench.decode.GreedyAgreement), then prints the
# GPU's prefill and decode tok/s and decode's share of the GPU's specified memory bandwidth (from nvidia-smi's name).
# The last stdout line is one JSON object. Exit codes: 0 agrees, 1 disagrees, 2 the engine failed (message on
# stderr), 3 no GPU visible, 4 the CUDA 12 / cuDNN 9 libraries ONNX Runtime 1.24 loads are missing, 5 no Java.
#
#   integration-tests/gpu-check.sh --dry-run-cpu   # anywhere: the same logic with the "GPU" side on the CPU
#                                                  # (tiny shape, seconds); CI runs it after 'mvn verify'
#   integration-tests/gpu-check.sh --probe         # on a GPU machine: GPU, Java and CUDA libraries only (seconds)
#   integration-tests/gpu-check.sh --stage DIR     # here: write what a GPU machine needs into DIR (README, "CUDA")
#   integration-tests/gpu-check.sh --unpack PARTS DEST  # there: DIR/parts (copied in pieces) back into a DIR
#   integration-tests/gpu-check.sh                 # on a GPU machine: the check (estimated 2-4 minutes: shape B
#                                                  # checkpoint and fp16 export took 1 min on 2 busy cores here)
# Options after the mode go to GpuCheck (e.g. --compare-tokens 64 --runs 5; --help lists them).
#
# What it runs: the classes of titans4j-cli.jar with ONNX Runtime's GPU natives. From a staged folder
# (GPU_CHECK_STAGE, default .gpu-check/ in the repository root): lib/*.jar, native/ (libonnxruntime*.so from
# onnxruntime_gpu 1.24.1, loaded through -Donnxruntime.native.path) and jre/ when the machine has no Java 17+.
# Without a staged folder: integration-tests/target/titans4j-cli.jar (a -Pcuda build for the GPU).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STAGE="${GPU_CHECK_STAGE:-$ROOT/.gpu-check}"
MAIN=dev.titans4j.bench.decode.GpuCheck
ORT_VERSION=1.24.1
# What libonnxruntime_providers_cuda.so of ONNX Runtime 1.24 opens at run time (CUDA 12.x, cuDNN 9.x)
CUDA_LIBS=(libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9)

fail() { # exit code, message
    echo "gpu-check: $2" >&2
    exit "$1"
}

java_cmd() {
    if [ -n "${JAVA:-}" ]; then
        echo "$JAVA"
    elif [ -x "$STAGE/jre/bin/java" ]; then
        echo "$STAGE/jre/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        fail 5 "no Java 17+: set JAVA, put java on the PATH, or stage a runtime (--stage DIR writes DIR/jre)"
    fi
}

classpath() {
    if compgen -G "$STAGE/lib/*.jar" >/dev/null; then
        echo "$STAGE/lib/*"
    elif [ -f "$ROOT/integration-tests/target/titans4j-cli.jar" ]; then
        echo "$ROOT/integration-tests/target/titans4j-cli.jar"
    else
        fail 5 "no classes to run: build the CLI jar (mvn -o -q package -DskipTests, -Pcuda for the GPU) or stage"\
" them (--stage DIR)"
    fi
}

# Folders holding the CUDA libraries: the library path, ldconfig's cache, and pip's nvidia-* wheels (PyTorch's).
cuda_lib_dirs() {
    local dirs=() d
    IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
    for d in /usr/local/cuda/lib64 /usr/local/cuda-12*/lib64 /usr/lib/x86_64-linux-gnu \
        /usr/local/lib/python3*/dist-packages/nvidia/*/lib /opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib \
        /usr/lib/python3*/site-packages/nvidia/*/lib; do
        [ -d "$d" ] && dirs+=("$d")
    done
    printf '%s\n' "${dirs[@]}"
}

find_cuda_lib() { # name -> its folder, or nothing
    local name=$1 d
    while read -r d; do
        [ -n "$d" ] && [ -e "$d/$name" ] && { echo "$d"; return; }
    done < <(cuda_lib_dirs)
    ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { sub(/\/[^\/]*$/, "", $NF); print $NF; exit }'
}

# Puts the folders of the CUDA libraries on LD_LIBRARY_PATH, or fails naming the missing ones.
require_cuda_libs() {
    local missing=() found=() name dir
    for name in "${CUDA_LIBS[@]}"; do
        dir="$(find_cuda_lib "$name")"
        if [ -z "$dir" ]; then
            missing+=("$name")
        else
            found+=("$dir")
            echo "gpu-check: $name in $dir" >&2
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        fail 4 "ONNX Runtime $ORT_VERSION's CUDA provider needs CUDA 12.x and cuDNN 9.x; missing here:"\
" ${missing[*]}. CUDA 13's libraries do not replace them (other sonames): carry the CUDA 12 ones and put their"\
" folder on LD_LIBRARY_PATH"
    fi
    LD_LIBRARY_PATH="$(printf '%s\n' "${found[@]}" | awk '!seen[$0]++' | paste -sd:)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
}

gpu_name() {
    command -v nvidia-smi >/dev/null 2>&1 || fail 3 "no GPU visible: nvidia-smi is not on the PATH (run this on"\
" the GPU machine, or --dry-run-cpu here)"
    local name
    name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)" || true
    [ -n "$name" ] || fail 3 "no GPU visible: nvidia-smi lists none ($(nvidia-smi -L 2>&1 | head -n 1))"
    echo "$name"
}

native_option() {
    if [ -f "$STAGE/native/libonnxruntime_providers_cuda.so" ]; then
        echo "-Donnxruntime.native.path=$STAGE/native"
    fi
}

# Here, with Maven's cache: the slim jar (CLI classes without natives and MiniLM), ONNX Runtime's GPU natives, a
# small JRE; and all three again as one xz archive cut into 56 MiB parts (a 64 MiB copy limit less the repository).
stage() {
    local out=$1 cli="$ROOT/integration-tests/target/titans4j-cli.jar"
    local gpu_jar="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/$ORT_VERSION/onnxruntime_gpu-$ORT_VERSION.jar"
    [ -f "$cli" ] || fail 5 "build the CLI jar first: mvn -o -q package -DskipTests"
    [ -f "$gpu_jar" ] || fail 5 "$gpu_jar is missing: mvn -q -Pcuda -pl langchain4j-t2 -am compile fetches it"
    rm -rf "$out" && mkdir -p "$out/lib" "$out/native" "$out/parts"
    cp "$cli" "$out/lib/titans4j-slim.jar"
    # GpuCheck needs none of: natives of every platform (ONNX Runtime's CPU build, DJL, JNA), the MiniLM encoder
    zip -q -d "$out/lib/titans4j-slim.jar" 'ai/onnxruntime/native/*' 'native/*' 'com/sun/jna/*/*' '*.onnx' \
        >/dev/null || true
    unzip -q -j -o "$gpu_jar" 'ai/onnxruntime/native/linux-x64/*' -x '*tensorrt*' -d "$out/native"
    jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported \
        --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
    tar -C "$out" -cf - lib native jre | xz -T0 -6 | split -b 56M -d - "$out/parts/stage.tar.xz."
    du -sh "$out"/lib "$out"/native "$out"/jre "$out"/parts/* >&2
}

case "${1:-}" in
--dry-run-cpu)
    shift
    # shellcheck disable=SC2046 # native_option is one word or none
    exec "$(java_cmd)" -Xmx2g $(native_option) -cp "$(classpath)" "$MAIN" --dry-run-cpu --shape tinyB --compare-tokens 16 \
        --prompt 32 --decode 16 --runs 1 --threads 1 --work "${GPU_CHECK_WORK:-$(mktemp -d)}" "$@"
    ;;
--probe) # reports every prerequisite, then fails on the first missing one
    status=0
    if name="$(gpu_name)"; then echo "gpu-check: GPU $name" >&2; else status=3; fi
    if java="$(java_cmd 2>/dev/null)"; then
        echo "gpu-check: java $java: $("$java" -version 2>&1 | head -n 1)" >&2
    else
        echo "gpu-check: no Java 17+ (stage one: --stage DIR writes DIR/jre)" >&2
        [ $status -ne 0 ] || status=5
    fi
    (require_cuda_libs) || { [ $status -ne 0 ] || status=4; }
    echo "gpu-check: CUDA libraries on this machine: $(cuda_lib_dirs | while read -r d; do ls "$d"; done 2>/dev/null \
        | grep -E '^lib(cudart|cublas|cublasLt|cufft|curand|cudnn)\.so\.[0-9]+$' | sort -u | paste -sd' ')" >&2
    [ $status -ne 0 ] || echo "gpu-check: probe passed" >&2
    exit $status
    ;;
--stage)
    [ $# -ge 2 ] || fail 5 "--stage needs a folder"
    stage "$2"
    ;;
--unpack) # PARTS_DIR DEST: the parts of --stage back into a staged folder
    [ $# -ge 3 ] || fail 5 "--unpack needs the folder of the parts and a destination"
    mkdir -p "$3" && cat "$2"/stage.tar.xz.* | xz -dc | tar -x -C "$3"
    ;;
*)
    name="$(gpu_name)"
    java="$(java_cmd)"
    require_cuda_libs
    # shellcheck disable=SC2046 # native_option is one word or none
    exec timeout 540 "$java" -Xmx24g $(native_option) -cp "$(classpath)" "$MAIN" --gpu-name "$name" \
        --work "${GPU_CHECK_WORK:-/tmp/titans4j-gpu-check}" "$@"
    ;;
esac
