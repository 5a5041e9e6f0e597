#include "relay_fixture.hpp"
