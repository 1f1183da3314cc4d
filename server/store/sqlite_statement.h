// The few SQLite helpers every store file uses: a prepared statement that
// finalizes itself, preparing and running SQL, and text in and out of a
// statement as string_views.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string_view>

namespace chat::sqlite {

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// The statement, or null on an error (see sqlite3_errmsg).
inline Statement prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return nullptr;
  }
  return Statement(raw);
}

// Runs SQL without results; false on an error (see sqlite3_errmsg).
inline bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

// Column `col` of the current row as text (empty for NULL); valid until
// the statement steps or resets.
inline std::string_view column_text(sqlite3_stmt* s, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return text != nullptr ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(s, col)))
                         : std::string_view();
}

// Binds `text` to parameter `index`, copied by SQLite.
inline void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace chat::sqlite
