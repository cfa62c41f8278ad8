/* The 8259A model: reset masked, the ICW sequence (with and without ICW3
 * and ICW4), OCW1 read back, OCW3 register selection, EOIs harmless. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/devices/pic_model.h"

Test(pic, reset_is_masked)
{
	struct pic p;

	pic_init(&p);
	cr_assert(eq(u8, pic_read(&p, 1), 0xFF));
	cr_assert(eq(u8, pic_read(&p, 0), 0));
}

Test(pic, linux_style_initialisation)
{
	struct pic p;

	pic_init(&p);
	pic_write(&p, 0, 0x11);                 /* ICW1: edge, cascade, ICW4 */
	cr_assert(eq(u8, pic_read(&p, 1), 0));  /* ICW1 cleared the mask */
	pic_write(&p, 1, 0x20);                 /* ICW2: vectors 0x20.. */
	pic_write(&p, 1, 0x04);                 /* ICW3: slave on IR2 */
	pic_write(&p, 1, 0x01);                 /* ICW4: 8086 mode */
	cr_assert(eq(u8, p.vector_base, 0x20));
	cr_assert(eq(u8, p.icw_step, 0));
	pic_write(&p, 1, 0xFB);                 /* OCW1 */
	cr_assert(eq(u8, pic_read(&p, 1), 0xFB));
	pic_write(&p, 0, 0x20);                 /* OCW2: non-specific EOI */
	pic_write(&p, 0, 0x0B);                 /* OCW3: read ISR */
	cr_assert(eq(u8, p.read_isr, 1));
	cr_assert(eq(u8, pic_read(&p, 0), 0));
	cr_assert(eq(u8, pic_read(&p, 1), 0xFB));
}

Test(pic, single_without_icw4)
{
	struct pic p;

	pic_init(&p);
	pic_write(&p, 0, 0x12);                 /* ICW1: single, no ICW4 */
	pic_write(&p, 1, 0x08);                 /* ICW2, then done */
	cr_assert(eq(u8, p.icw_step, 0));
	pic_write(&p, 1, 0xFF);                 /* OCW1 */
	cr_assert(eq(u8, pic_read(&p, 1), 0xFF));
}
