package dev.titans4j.bench.recall.memory;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lexical retrieval with Apache Lucene: {@link EnglishAnalyzer} (stop words, possessives, Porter stemming),
 * in-memory {@link ByteBuffersDirectory}, {@link BM25Similarity} with Lucene's defaults (k1 = 1.2, b = 0.75).
 * The question is analysed with the same analyser and becomes an OR of its terms; turns sharing no term are not
 * ranked at all.
 */
public final class Bm25Ranker implements Ranker {

    private static final String TEXT = "text";
    private static final String SEQ = "seq";

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final BM25Similarity similarity = new BM25Similarity();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final List<ChatTurn> bySeq = new ArrayList<>();
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private boolean dirty;

    public Bm25Ranker() {
        try {
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer).setSimilarity(similarity));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the in-memory Lucene index", e);
        }
    }

    @Override
    public void index(ChatTurn turn) {
        Document document = new Document();
        document.add(new TextField(TEXT, turn.text(), Field.Store.NO));
        document.add(new StoredField(SEQ, turn.seq()));
        try {
            writer.addDocument(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (bySeq.size() <= turn.seq()) {
            bySeq.add(null);
        }
        bySeq.set(turn.seq(), turn);
        dirty = true;
    }

    @Override
    public void commit() {
        if (!dirty && reader != null) {
            return;
        }
        try {
            if (reader == null) {
                reader = DirectoryReader.open(writer);
            } else {
                DirectoryReader newer = DirectoryReader.openIfChanged(reader, writer);
                if (newer != null) {
                    reader.close();
                    reader = newer;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
        dirty = false;
    }

    @Override
    public List<ChatTurn> rank(String query) {
        commit();
        Set<String> terms = analyze(query);
        if (terms.isEmpty() || reader.maxDoc() == 0) {
            return List.of();
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        terms.stream().limit(BooleanQuery.getMaxClauseCount())
                .forEach(t -> builder.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.SHOULD));
        try {
            ScoreDoc[] hits = searcher.search(builder.build(), reader.maxDoc()).scoreDocs;
            StoredFields stored = searcher.storedFields();
            List<ChatTurn> ranked = new ArrayList<>(hits.length);
            for (ScoreDoc hit : hits) {
                int seq = stored.document(hit.doc).getField(SEQ).numericValue().intValue();
                ranked.add(bySeq.get(seq));
            }
            return ranked;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The distinct analysed terms of {@code text} (stemmed, stop words removed). */
    Set<String> analyze(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    /** Size of the Lucene index files after a commit (postings, norms, stored sequence numbers). */
    @Override
    public long indexBytes() {
        try {
            writer.commit();
            long bytes = 0;
            for (String file : directory.listAll()) {
                bytes += directory.fileLength(file);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (reader != null) {
                reader.close();
            }
            writer.close();
            directory.close();
            analyzer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
