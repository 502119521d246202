// The one translation unit that compiles Boost.Asio, Asio SSL and Boost.Beast.
// Every other file includes their headers with *_SEPARATE_COMPILATION defined
// (see CMakeLists.txt), which keeps rebuilds and CI fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
