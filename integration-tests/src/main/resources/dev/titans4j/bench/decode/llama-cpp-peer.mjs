// Times llama.cpp through node-llama-cpp (its prebuilt binaries, CPU only, never built or downloaded here), for
// titans4j's decode benchmark (LlamaCppPeer runs it).
//   node llama-cpp-peer.mjs INSTALL_DIR bench GGUF THREADS PROMPT_TOKENS DECODE_TOKENS RUNS
//     -> "RESULT prefill <tok/s>" and "RESULT decode <tok/s>" per run
//   node llama-cpp-peer.mjs INSTALL_DIR greedy GGUF THREADS NEW_TOKENS id,id,...[;id,id,...]
//     -> "RESULT tokens id id ..." per prompt (greedy continuation; F32 KV cache, no flash attention: the exact path)
// INSTALL_DIR holds node_modules/node-llama-cpp (npm install node-llama-cpp @node-llama-cpp/linux-x64).
import path from "node:path";
import { pathToFileURL } from "node:url";

const [installDir, mode, gguf, threadsArg, ...rest] = process.argv.slice(2);
const entry = path.join(installDir, "node_modules", "node-llama-cpp", "dist", "index.js");
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(entry).href);
const threads = Number(threadsArg);
const llama = await getLlama({
    gpu: false, build: "never", usePrebuiltBinaries: true, skipDownload: true, progressLogs: false,
    logLevel: LlamaLogLevel.error, maxThreads: threads
});
const model = await llama.loadModel({ modelPath: gguf, gpuLayers: 0 });

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** Greedy tokens after `prompt`: the first is the prompt's prediction. */
async function generate(sequence, prompt, count, onToken) {
    let n = 0;
    for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
        onToken(token, n);
        if (++n >= count) {
            break;
        }
    }
}

if (mode === "bench") {
    const [promptTokens, decodeTokens, runs] = rest.map(Number);
    const context = await model.createContext({
        contextSize: Math.max(promptTokens, decodeTokens) + 16, batchSize: promptTokens, threads, sequences: 1
    });
    const sequence = context.getSequence();
    const prompt = Array.from({ length: promptTokens }, (_, i) => 3 + (i * 7919) % (model.tokens.count - 3));
    await generate(sequence, [1, 5, 9, 13, 17, 21, 25, 29], 8, () => {}); // warm-up
    for (let r = 0; r < runs; r++) {
        await sequence.clearHistory();
        let start = process.hrtime.bigint();
        await sequence.evaluateWithoutGeneratingNewTokens(prompt);
        console.log(`RESULT prefill ${promptTokens / seconds(start)}`);
        await sequence.clearHistory();
        // as titans4j's rows: a one-token prompt, then DECODE_TOKENS one-token steps, greedy selection included
        await generate(sequence, [1], decodeTokens + 1, (token, n) => {
            if (n === 0) {
                start = process.hrtime.bigint();
            }
        });
        console.log(`RESULT decode ${decodeTokens / seconds(start)}`);
    }
} else if (mode === "greedy") {
    const count = Number(rest[0]);
    const prompts = rest[1].split(";").map((p) => p.split(",").map(Number));
    const longest = Math.max(...prompts.map((p) => p.length));
    const context = await model.createContext({
        contextSize: longest + count + 16, batchSize: Math.max(longest, 8), threads, sequences: 1,
        flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32"
    });
    const sequence = context.getSequence();
    for (const prompt of prompts) {
        await sequence.clearHistory();
        const tokens = [];
        await generate(sequence, prompt, count, (token) => tokens.push(token));
        console.log(`RESULT tokens ${tokens.join(" ")}`);
    }
} else {
    throw new Error(`unknown mode '${mode}' (bench, greedy)`);
}
await model.dispose();
await llama.dispose();
