/* A module without KMOD_DECLARE: no .nestlab_kmod section, KMOD_E_HEADER. */
int mod_init(void);

int mod_init(void)
{
	return 0;
}
