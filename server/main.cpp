#include "server/cli/app.hpp"

int main(int argc, char** argv) {
    return dspt::server::run_cli(argc, argv);
}
