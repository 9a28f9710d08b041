package dev.titans4j.t2.generation;

/**
 * Orders token ids by logit, best first, lower id first on ties (the order greedy decoding and the reference
 * implementations use), without sorting the whole vocabulary.
 */
final class Ranking {

    private Ranking() {
    }

    /** Puts the k best ids of the vocabulary into {@code out[0..k)}, best first, via a bounded min-heap. */
    static void selectTop(float[] logits, int k, int[] out) {
        for (int i = 0; i < k; i++) {
            out[i] = i;
            siftUp(logits, out, i);
        }
        float worst = logits[out[0]];
        for (int i = k; i < logits.length; i++) {
            float l = logits[i];
            if (l > worst) { // ties never displace: the kept id is lower
                out[0] = i;
                siftDown(logits, out, 0, k);
                worst = logits[out[0]];
            }
        }
        sortHeap(logits, out, k);
    }

    /** Sorts {@code ids[0..n)} best first (heap sort: no boxing, no extra memory). */
    static void sort(float[] logits, int[] ids, int n) {
        for (int i = 1; i < n; i++) {
            siftUp(logits, ids, i);
        }
        sortHeap(logits, ids, n);
    }

    /** Turns a min-heap (worst at the root) of n ids into best-first order. */
    private static void sortHeap(float[] logits, int[] heap, int n) {
        for (int end = n - 1; end > 0; end--) {
            swap(heap, 0, end);
            siftDown(logits, heap, 0, end);
        }
    }

    static boolean better(float[] logits, int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    private static void siftUp(float[] logits, int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(logits, heap[parent], heap[i])) {
                break;
            }
            swap(heap, parent, i);
            i = parent;
        }
    }

    private static void siftDown(float[] logits, int[] heap, int i, int size) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worse = left;
            int right = left + 1;
            if (right < size && better(logits, heap[left], heap[right])) {
                worse = right;
            }
            if (!better(logits, heap[i], heap[worse])) {
                return;
            }
            swap(heap, i, worse);
            i = worse;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
