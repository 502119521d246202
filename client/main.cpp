#include "client/cli/app.hpp"

int main(int argc, char** argv) {
    return dspt::client::run_cli(argc, argv);
}
