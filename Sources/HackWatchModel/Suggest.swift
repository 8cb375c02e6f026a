/// "Did you mean" suggestions by edit distance, as compilers make them: one measure for the
/// rule loader, the config reader and the sink factory.
package enum Suggest {
    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so `hihg`
    /// is one edit from `high`), case-insensitive, on Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// The candidate closest to `word` within `limit` edits; ties go to the earlier candidate.
    package static func nearest(_ word: String, in candidates: [String], within limit: Int) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// The closest candidate, if it is close enough to be a plausible typo (at most a third of
    /// the word's length, minimum 1, maximum 3 edits); ties go to the earlier candidate.
    package static func nearest(_ word: String, in candidates: [String]) -> String? {
        guard word.count <= 64 else { return nil }
        return nearest(word, in: candidates.filter { $0 != word }, within: min(3, max(1, word.count / 3)))
    }
}
