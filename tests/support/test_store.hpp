#pragma once
// The server store a test runs on. With DSPT_TEST_POSTGRES set to a PostgreSQL
// location (deploy/pg-cluster.sh prints one; ctest sets it for the *.postgresql
// tests), each TestStore is a new schema in that database, dropped when the object
// goes; without it, the tests run on the embedded store in a directory they choose.

#include <string>

namespace dspt::test {

// The PostgreSQL location the tests were given, or "".
std::string postgres_location();
inline bool testing_postgresql() {
    return !postgres_location().empty();
}

class TestStore {
  public:
    TestStore();   // creates the schema when testing PostgreSQL
    ~TestStore();  // drops it
    TestStore(const TestStore&) = delete;
    TestStore& operator=(const TestStore&) = delete;

    // The location of the store for --store (the schema's), or "" on the embedded store.
    const std::string& location() const noexcept { return location_; }
    const std::string& schema() const noexcept { return schema_; }

  private:
    std::string schema_;
    std::string location_;
};

}  // namespace dspt::test
