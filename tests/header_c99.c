/*
 * header_c99.c: the public header compiles alone as plain C99 with
 * -pedantic -Werror (built by make check; a failure breaks the build).
 */
#include "storcat/storcat.h"

int
main(void)
{
    return SC_ERR_OK;
}
